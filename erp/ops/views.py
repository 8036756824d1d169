from django.http import JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.core.api.permissions import IsAdminRole, RoleAccess
from erp.ops.diagnostics import run_diagnostics


def healthz(request):
    """Liveness: the process answers. Touches no database, bucket or queue."""
    return JsonResponse({"status": "ok"})


class DiagnosticsView(APIView):
    """Readiness of every dependency (administrators only); 503 names what is failing."""

    permission_classes = [RoleAccess, IsAdminRole]

    @extend_schema(exclude=True)
    def get(self, request):
        report = run_diagnostics()
        return Response(report, status=503 if report["failing"] else 200)
