using System.Net;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// Two real nodes (both with every role) on one PostgreSQL: failed sign-ins count across the cluster whichever node saw them,
/// and a box that asked one node for a code is confirmed on the other and gets its token from either.
/// </summary>
public sealed class AuthClusterSpecs
{
    private static StringContent SignIn(string account, string password) =>
        ActivationClient.Json($$$"""{"account":"{{{account}}}","password":"{{{password}}}","device":{"id":"phone-1","kind":"phone"}}""");

    [Fact]
    public async Task Sign_in_failures_count_across_nodes_and_an_activation_started_on_one_completes_on_the_other()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var settings = ActivationNodeFixture.Settings();
        await using var a = await HostProcess.StartAsync(new HostOptions { DataDir = Repo.TempDir("auth-a"), Postgres = db.ConnectionString, Settings = settings });
        await using var b = await HostProcess.StartAsync(new HostOptions
        {
            DataDir = Repo.TempDir("auth-b"),
            Postgres = db.ConnectionString,
            Settings = settings,
            SeedNodes = [a.AkkaAddress],
        });
        var onA = new ActivationClient(a);
        var onB = new ActivationClient(b);
        await onA.OpenAsync("cluster-throttle");
        await onA.OpenAsync("cluster-box");

        // b answers the account's sign-in once it has joined and sees a's writes.
        var phone = await b.EventuallyAsync(async () =>
        {
            using var response = await b.Http.PostAsync(ActivationClient.Auth + "/sign-in",
                SignIn("cluster-box", ActivationClient.Password));
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }, TimeSpan.FromSeconds(60), "sign-in on b");
        var phoneToken = System.Text.Json.JsonDocument.Parse(phone).RootElement.GetProperty("accessToken").GetString()!;

        // Three wrong passwords on a, two on b: the sixth try is refused on both, even with the right password.
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await (i < 3 ? a : b).Http.PostAsync(ActivationClient.Auth + "/sign-in",
                SignIn("cluster-throttle", $"guess-{i:D4}"));
            await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Unauthorized);
        }

        foreach (var node in new[] { a, b })
        {
            using var throttled = await node.Http.PostAsync(ActivationClient.Auth + "/sign-in",
                SignIn("cluster-throttle", ActivationClient.Password));
            await ProblemAssert.IsProblemAsync(throttled, HttpStatusCode.TooManyRequests);
            Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
        }

        // A box asks a, the subscriber confirms on b, the box polls b then a.
        var (code, poll, _) = await onA.BeginAsync();
        using (var pending = await onB.PollAsync(poll)) Assert.Equal("authorization_pending", await ActivationClient.ErrorAsync(pending));
        using (var confirmed = await onB.ConfirmCodeAsync(phoneToken, code)) Assert.True(confirmed.StatusCode == HttpStatusCode.OK, await confirmed.Content.ReadAsStringAsync());
        using (var granted = await onB.PollUntilDecidedAsync(poll)) Assert.True(granted.StatusCode == HttpStatusCode.OK, await granted.Content.ReadAsStringAsync());
        using (var again = await onA.PollAsync(poll)) await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);
    }
}
