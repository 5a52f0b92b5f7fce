using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Inspur.Host.Tests;

/// <summary>/healthz, /readyz and /metrics of a running node.</summary>
[Collection(NodeCollection.Name)]
public sealed class OpsSurfaceSpecs(NodeFixture fixture)
{
    private HttpClient Http => fixture.Node.Http;

    [Fact]
    public async Task Healthz_answers_ok()
    {
        var response = await Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Readyz_reports_member_up_and_journal_ok()
    {
        var report = await Http.GetFromJsonAsync<JsonElement>("/readyz");

        Assert.True(report.GetProperty("ready").GetBoolean());
        Assert.Equal("Up", report.GetProperty("member").GetString());
        Assert.Equal("ok", report.GetProperty("journal").GetString());
    }

    [Fact]
    public async Task Metrics_expose_http_cluster_and_sharding_figures()
    {
        (await Http.PostAsJsonAsync("/api/v1/channels", new { id = "metrics-probe", name = "Metrics", number = 4242 })).EnsureSuccessStatusCode();

        var text = await Http.GetStringAsync("/metrics");

        Assert.Contains("inspur_cluster_members{status=\"up\"} 1", text);
        Assert.Contains("inspur_cluster_unreachable_members 0", text);
        Assert.Matches("inspur_sharding_entities\\{type=\"channel\"\\} [1-9]", text);
        Assert.Contains("http_requests_received_total", text);
    }

    [Fact]
    public async Task The_landing_page_is_served()
    {
        var html = await Http.GetStringAsync("/");

        Assert.Contains("/api/v1/channels", html);
    }

    [Fact]
    public async Task Logs_are_structured_and_carry_akka_messages()
    {
        await fixture.Node.EventuallyAsync(
            () => Task.FromResult<bool?>(fixture.Node.Output.Contains("Cluster Node") ? true : null),
            TimeSpan.FromSeconds(10), "Akka log lines in the node output");
        Assert.Contains($"Node [{fixture.Node.AkkaAddress}] is JOINING itself", fixture.Node.Output);
        Assert.Contains("Inspur.Host.Ops.OpsEndpoint: ops endpoint (pbm) listening on", fixture.Node.Output);
    }
}
