from django.shortcuts import render

from negotiations.models import Negotiation


def home(request):
    negotiations = Negotiation.objects.with_parties().with_round_stats()
    return render(request, "negotiations/home.html", {"negotiations": negotiations})
