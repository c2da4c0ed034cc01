#pragma once
// Errors at the HTTP boundary: the one place where a failure becomes an HTTP status and an error
// body (STYLE.md 5). Every route names its envelope style; spec 002 uses
//   {"data":{"appCode":"OCMS-4000","message":"..."}}
// spec 002's read APIs (1, 2, 4) show their failures flat,
//   {"appCode":"OCMS-4000","message":"..."},
// spec 003's routes use
//   {"success":false,"error":{"code":"OCMS.CPS.INVALID_FORMAT","message":"..."}}
// and its PLUS route (2.6)
//   {"status":"FAILED","code":"OCMS-4000","message":"..."}.
#include "core/error.hpp"

#include <string>
#include <string_view>

namespace ocms::edge {

enum class EnvelopeStyle {
    ocms_data,      // spec 002 section 6.4
    success_error,  // spec 003
    ocms_flat,      // spec 002 APIs 1, 2 and 4 (the read APIs): top-level appCode and message
    status_failed,  // spec 003 2.6 (PLUS change of processing stage)
};

// What went wrong, independent of how it is rendered.
enum class ErrorKind {
    bad_request,         // 400 OCMS-4000: size limit, JSON, schema, business validation at the edge
    unauthorized,        // 401 OCMS-4001: no/bad/expired token, wrong issuer, missing APIM key
    forbidden,           // 403 OCMS-4001: good token without the route's role
    not_found,           // 404 OCMS-4000: no such path
    method_not_allowed,  // 405 OCMS-4000: path exists, method does not
    unsupported_media_type,  // 415 OCMS-4000: a JSON route's body sent as another Content-Type
    headers_too_large,   // 431 OCMS-4000: the request's header fields over the server's limit
    unprocessable,       // 422 OCMS-4000: a business rule refuses the whole request (spec 003)
    internal,            // 500 OCMS-5000: database down, unexpected faults
};

struct ApiError {
    ErrorKind kind;
    std::string message;
    // The spec's own code when it names one (spec 003: "INVALID_DATE_RANGE", "REPORT_NOT_FOUND";
    // spec 001: "OCMS-4004" not found, "OCMS-4022"); "" for the kind's default. Every style
    // writes it in place of the default.
    std::string code = "";
};

struct RenderedError {
    unsigned status;
    AppCode code;
    std::string body;  // JSON
};

// THE function that chooses the HTTP status, the application code and the body.
RenderedError render_error(EnvelopeStyle style, const ApiError& e);

// An incoming X-Request-Id is kept when it is 1..64 characters of [A-Za-z0-9._-].
bool sane_request_id(std::string_view id);

}  // namespace ocms::edge
