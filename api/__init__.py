"""The read-only JSON API under /api/ (django-ninja): the pages' own selections as JSON,
for notebooks and scripts. Knows both apps; nothing imports it but the URLconf."""
