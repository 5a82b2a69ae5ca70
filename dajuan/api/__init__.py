"""The JSON API (django-ninja): token auth, one error shape, the loop's reads and transitions."""
