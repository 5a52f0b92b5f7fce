using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary><c>/api/v1/epg</c> over real HTTP against a real node: XMLTV upload and URL sources, grid, now/next, programmes and bad input.</summary>
[Collection(NodeCollection.Name)]
public sealed class EpgApiSpecs(NodeFixture fixture)
{
    private static readonly DateTimeOffset Day = new(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
    private static readonly string DayText = Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private HttpClient Http => fixture.Node.Http;

    private static string NewId() => $"epg-{Guid.NewGuid():N}"[..16];

    private async Task<string> Channel()
    {
        var id = NewId();
        var response = await Http.PostAsync("/api/v1/channels", new StringContent($$"""{"id":"{{id}}","name":"{{id}}","number":{{Random.Shared.Next(1, 99_999)}}}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return id;
    }

    private static string Time(double hour) => Day.AddHours(hour).ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + " +0800";

    private static string Prog(string channel, double hour, double hours, string title) =>
        $"""  <programme start="{Time(hour)}" stop="{Time(hour + hours)}" channel="{channel}"><title lang="zh">{title}</title><desc>{title} desc</desc></programme>""";

    private static string Xml(params string[] lines) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tv>\n{string.Join('\n', lines)}\n</tv>\n";

    private Task<HttpResponseMessage> Import(string xml, string? map = null) =>
        Http.PostAsync($"/api/v1/epg/import{(map is null ? "" : $"?map={Uri.EscapeDataString(map)}")}", new StringContent(xml, Encoding.UTF8, "application/xml"));

    private async Task<IReadOnlyList<string>> GridTitles(string channel)
    {
        var grid = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/epg/grid?day={DayText}");
        return grid.GetProperty("channels").EnumerateArray().Where(c => c.GetProperty("channel").GetString() == channel)
            .SelectMany(c => c.GetProperty("programmes").EnumerateArray().Select(p => p.GetProperty("title").GetString()!)).ToList();
    }

    private static IEnumerable<(string Kind, int Line)> Issues(JsonElement report) =>
        report.GetProperty("issues").EnumerateArray().Select(i => (i.GetProperty("kind").GetString()!, i.GetProperty("line").GetInt32()));

    [Fact]
    public async Task An_imported_file_answers_grid_now_next_and_programme()
    {
        var (one, two) = (await Channel(), await Channel());

        var response = await Import(Xml(Prog("XML.One", 8, 2, "早间新闻"), Prog("XML.One", 10, 1, "天气"), Prog(two, 23, 2, "Across midnight")), $"XML.One:{one}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("report").GetProperty("kept").GetInt32());
        Assert.False(body.GetProperty("report").GetProperty("hasErrors").GetBoolean());
        Assert.Equal(["早间新闻", "天气"], await GridTitles(one));
        Assert.Equal(["Across midnight"], await GridTitles(two));

        var nowNext = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/epg/{one}/now?at={Uri.EscapeDataString(Day.AddHours(9).ToString("O"))}");
        Assert.Equal("早间新闻", nowNext.GetProperty("now").GetProperty("title").GetString());
        Assert.Equal("天气", nowNext.GetProperty("next").GetProperty("title").GetString());
        var id = nowNext.GetProperty("next").GetProperty("id").GetString();
        Assert.Equal($"{one}-{Day.AddHours(10).ToUnixTimeSeconds()}", id);

        var programme = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/epg/programmes/{id}");
        Assert.Equal(("天气", "天气 desc"), (programme.GetProperty("title").GetString(), programme.GetProperty("description").GetString()));
        Assert.Equal(Day.AddHours(10), programme.GetProperty("start").GetDateTimeOffset());

        var gap = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/epg/{one}/now?at={Uri.EscapeDataString(Day.AddHours(12).ToString("O"))}");
        Assert.Equal(JsonValueKind.Null, gap.GetProperty("now").ValueKind);
    }

    [Fact]
    public async Task A_file_with_bad_programmes_keeps_the_good_ones_and_reports_lines()
    {
        var channel = await Channel();

        var response = await Import(Xml(
            Prog(channel, 8, 1, "Good 1"),
            $"""  <programme start="{Time(9)}" stop="{Time(10)}" channel="{channel}"><title>Bad stop</title></programme>""".Replace(Time(10), "20261201100000 PST"),
            Prog(channel, 8.5, 1, "Overlaps Good 1"),
            Prog("nobody-knows-me", 8, 1, "Unknown channel"),
            Prog(channel, 11, 1, "Good 2")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("report");
        Assert.Equal((2, 3), (report.GetProperty("kept").GetInt32(), report.GetProperty("dropped").GetInt32()));
        Assert.Equal([("bad-timezone", 4), ("overlap", 5), ("unknown-channel", 6), ("gap", 7)], Issues(report));
        Assert.Equal(["Good 1", "Good 2"], await GridTitles(channel));
    }

    [Fact]
    public async Task A_malformed_file_is_400_with_the_line_and_applies_nothing()
    {
        var (one, two) = (await Channel(), await Channel());
        (await Import(Xml(Prog(one, 8, 1, "Before")))).EnsureSuccessStatusCode();

        var response = await Import(Xml(Prog(one, 8, 1, "Replaced?"), Prog(two, 8, 1, "New?"), "  <programme><title>broken</programme>"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var report = problem.GetProperty("report");
        Assert.True(report.GetProperty("malformed").GetBoolean());
        Assert.Equal([("malformed", 5)], Issues(report));
        Assert.Equal(["Before"], await GridTitles(one));
        Assert.Empty(await GridTitles(two));
    }

    [Fact]
    public async Task An_external_entity_is_refused()
    {
        var response = await Import("<?xml version=\"1.0\"?>\n<!DOCTYPE tv [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<tv><programme><title>&x;</title></programme></tv>");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.DoesNotContain("root:", problem.ToString());
    }

    [Fact]
    public async Task Bad_requests_are_problems_naming_what()
    {
        var json = await Http.PostAsync("/api/v1/epg/import", new StringContent("{}", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(json, HttpStatusCode.UnsupportedMediaType);

        var badMap = await ProblemAssert.IsProblemAsync(await Import(Xml(), "a:NOT VALID"), HttpStatusCode.BadRequest);
        Assert.True(badMap.GetProperty("errors").TryGetProperty("map", out _));

        var badDay = await ProblemAssert.IsProblemAsync(await Http.GetAsync("/api/v1/epg/grid?day=01.12.2026"), HttpStatusCode.BadRequest);
        Assert.True(badDay.GetProperty("errors").TryGetProperty("day", out _));
        await ProblemAssert.IsProblemAsync(await Http.GetAsync("/api/v1/epg/grid"), HttpStatusCode.BadRequest);

        await ProblemAssert.IsProblemAsync(await Http.GetAsync("/api/v1/epg/no-such-channel-x/now"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Http.GetAsync("/api/v1/epg/Bad%20Id/now"), HttpStatusCode.BadRequest);
        var channel = await Channel();
        await ProblemAssert.IsProblemAsync(await Http.GetAsync($"/api/v1/epg/{channel}/now?at=yesterday"), HttpStatusCode.BadRequest);

        await ProblemAssert.IsProblemAsync(await Http.GetAsync($"/api/v1/epg/programmes/{channel}-1"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await Http.GetAsync("/api/v1/epg/programmes/not-a-programme"), HttpStatusCode.BadRequest);

        var badSource = await ProblemAssert.IsProblemAsync(await Http.PostAsync("/api/v1/epg/sources",
            new StringContent("""{"url":"ftp://x/y.xml","everyMinutes":0,"extra":1}""", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        var errors = badSource.GetProperty("errors");
        Assert.True(errors.TryGetProperty("extra", out _));
    }

    [Fact]
    public async Task An_oversized_upload_is_413()
    {
        var response = await Http.PostAsync("/api/v1/epg/import", new ByteArrayContent(new byte[20 * 1024 * 1024 + 1])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml") },
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_url_source_is_fetched_imported_and_its_report_kept()
    {
        var channel = await Channel();
        var port = Repo.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var xml = Encoding.UTF8.GetBytes(Xml(Prog("Remote.1", 6, 1, "From the URL"), Prog("Remote.1", 6.5, 1, "Overlapping")));
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (!listener.IsListening)
                {
                    return;
                }

                if (context.Request.Url!.AbsolutePath == "/epg.xml")
                {
                    context.Response.ContentType = "application/xml";
                    await context.Response.OutputStream.WriteAsync(xml);
                }
                else context.Response.StatusCode = 404;

                context.Response.Close();
            }
        });

        var url = $"http://127.0.0.1:{port}/epg.xml";
        var registered = await Http.PostAsync("/api/v1/epg/sources",
            new StringContent($$"""{"url":"{{url}}","everyMinutes":60,"map":"Remote.1:{{channel}}"}""", Encoding.UTF8, "application/json"));
        var missing = await Http.PostAsync("/api/v1/epg/sources",
            new StringContent($$"""{"url":"http://127.0.0.1:{{port}}/gone.xml","everyMinutes":5}""", Encoding.UTF8, "application/json"));
        listener.Stop();
        await serving;

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var source = await registered.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, source.GetProperty("lastError").ValueKind);
        Assert.Equal([("overlap", 4)], Issues(source.GetProperty("lastReport")));
        Assert.Equal(["From the URL"], await GridTitles(channel));
        Assert.Contains("404", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lastError").GetString());

        var list = await Http.GetFromJsonAsync<JsonElement>("/api/v1/epg/sources");
        var listed = Assert.Single(list.EnumerateArray(), s => s.GetProperty("url").GetString() == url);
        Assert.Equal((60, $"Remote.1:{channel}"), (listed.GetProperty("everyMinutes").GetInt32(), listed.GetProperty("map").GetString()));
        Assert.Equal(1, listed.GetProperty("lastReport").GetProperty("kept").GetInt32());
    }
}
