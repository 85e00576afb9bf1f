"""The page django-axes shows once a user name has failed too often from one address:
the admin's own page (its header, its title), saying in words how long the pause lasts."""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import admin
from django.shortcuts import render


def locked_out(request, response, credentials):
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
