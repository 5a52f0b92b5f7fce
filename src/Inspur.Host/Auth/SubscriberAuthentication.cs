using Inspur.Domain.Security;
using Inspur.Domain.Subscribers;

namespace Inspur.Host.Auth;

/// <summary>
/// Reads a subscriber's <c>Authorization: Bearer {access token}</c> (RFC 6750): the claims of an authentic, current
/// token, or a 401 problem with a <c>WWW-Authenticate</c> challenge saying what was wrong. HMAC only; whether the
/// account may act now is the subscriber entity's to say.
/// </summary>
public static class SubscriberAuthentication
{
    public static bool TryAuthenticate(HttpContext http, AuthSettings settings, DateTimeOffset now, out SubscriberClaims claims, out IResult problem)
    {
        claims = null!;
        problem = null!;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            problem = Unauthorized(http, "Sign-in required", "send Authorization: Bearer {access token} (POST /api/v1/auth/sign-in gives one)", error: null);
            return false;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length == "Bearer ".Length)
        {
            problem = Unauthorized(http, "Invalid access token", "the Authorization header must be 'Bearer {access token}'", "invalid_request");
            return false;
        }

        var verdict = SubscriberToken.Verify(header.AsSpan("Bearer ".Length).Trim(), settings.Keys, now);
        switch (verdict.Status)
        {
            case TokenStatus.Valid:
                claims = verdict.Claims!;
                return true;
            case TokenStatus.Expired:
                problem = Unauthorized(http, "Access token expired", $"{verdict.Reason}; sign in again", "invalid_token");
                return false;
            default:
                problem = Unauthorized(http, "Invalid access token", verdict.Reason, "invalid_token");
                return false;
        }
    }

    public static IResult Unauthorized(HttpContext http, string title, string detail, string? error)
    {
        http.Response.Headers.WWWAuthenticate = error is null
            ? "Bearer realm=\"inspur\""
            : $"Bearer realm=\"inspur\", error=\"{error}\", error_description=\"{detail.Replace('"', '\'')}\"";
        return Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title);
    }
}
