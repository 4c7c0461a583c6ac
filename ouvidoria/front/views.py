from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ouvidoria.rules.policies import POLICIES


def home(request: HttpRequest) -> HttpResponse:
    """What the product is, the deadline policies it enforces, and where the API lives."""
    return render(request, "front/home.html", {"policies": POLICIES.values()})
