using Akka.Actor;

namespace Inspur.Host.Api;

/// <summary>The cluster not answering in time is a 503 the client may retry, not a 500.</summary>
public static class ClusterTimeout
{
    /// <summary>Runs <paramref name="action"/>; an ask that timed out becomes a 503 problem with <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public static async Task<IResult> GuardAsync(Func<Task<IResult>> action, string title, string detail)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is AskTimeoutException or TimeoutException)
        {
            return Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);
        }
    }
}
