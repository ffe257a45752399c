"""The JSON API (django-ninja), under /api/v1/: machine clients such as mediation platforms, and
the mobile app (the customer space's use cases, with a personal token). OpenAPI schema at
/api/v1/openapi.json, browsable at /api/v1/docs.
Expected refusals of the use cases become a 4xx answer with a `detail` message here, once."""

from ninja import NinjaAPI

from telcobill.errors import Invalid, NotAllowed, NotFound, TelcobillError

api = NinjaAPI(title="telcobill", version="1", urls_namespace="api")
api.add_router("/usage", "telcobill.usage.api.router")
api.add_router("/app", "telcobill.portal.api.auth.router")
api.add_router("/app", "telcobill.portal.api.views.router")
api.add_router("/app", "telcobill.portal.api.more.router")

STATUS = {NotFound: 404, Invalid: 400, NotAllowed: 409}


@api.exception_handler(TelcobillError)
def refusal(request, exc: TelcobillError):
    return api.create_response(request, {"detail": exc.message, "code": exc.code},
                               status=STATUS.get(type(exc), 400))
