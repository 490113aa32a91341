"""Every error is JSON ``{"code": …, "message": …}`` with a Chinese message; bad input is never a 500."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from huikuan.ledger.services import LedgerError

logger = logging.getLogger(__name__)

# Domain error codes that mean "conflicts with what is already recorded" rather than bad input.
CONFLICT_CODES = frozenset({"reference_conflict", "already_reversed", "already_decided", "duplicate"})


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found(what: str = "对象") -> ApiError:
    return ApiError(404, "not_found", f"{what}不存在或无权访问")


def _body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    return body


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ())]
        out.append({"loc": loc, "message": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on ``api``."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, _body(exc.code, exc.message))

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        return respond(request, 422, _body("invalid_input", "输入数据无效，请检查各字段", errors))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, _body("unauthenticated", "缺少或无效的接口令牌"))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = "请求格式错误" if exc.status_code == 400 else "请求无法处理"
        return respond(request, exc.status_code, _body("bad_request", message))

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _body("not_found", "对象不存在或无权访问"))

    @api.exception_handler(LedgerError)
    def ledger_error(request: HttpRequest, exc: LedgerError) -> HttpResponse:
        status = 409 if exc.code in CONFLICT_CODES else 400
        return respond(request, status, _body(exc.code, exc.message))

    @api.exception_handler(DjangoValidationError)
    def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = [
            {"loc": [field], "message": str(msg), "type": "invalid"}
            for field, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
            for msg in msgs
        ]
        return respond(request, 400, _body("invalid", "；".join(exc.messages) or "数据无效", errors))

    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return respond(request, 409, _body("conflict", "与已有数据冲突（例如编号重复）"))

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        logger.warning("database refused a value on %s %s: %s", request.method, request.path, exc)
        return respond(request, 400, _body("invalid", "数据超出允许的范围或格式"))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, _body("server_error", "服务器内部错误，请联系管理员"))


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
