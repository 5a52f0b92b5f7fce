using System.Globalization;

namespace Inspur.Host.Api;

/// <summary>The <c>Retry-After</c> header every 429 of the node sends (rate limits, sign-in and activation throttles).</summary>
public static class RetryAfter
{
    /// <summary>Sets <c>Retry-After</c> to the wait in whole seconds, at least 1, and returns them.</summary>
    public static int Set(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
