using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary><c>/api/v1/channels</c> over real HTTP against a real node: the happy path and every bad input.</summary>
[Collection(NodeCollection.Name)]
public sealed class ChannelApiSpecs(NodeFixture fixture)
{
    private HttpClient Http => fixture.Node.Http;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string NewId() => $"ch-{Guid.NewGuid():N}"[..20];

    private Task<HttpResponseMessage> Post(string body) => Http.PostAsync("/api/v1/channels", Json(body));

    private static Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status) => ProblemAssert.IsProblemAsync(response, status);

    private static void AssertFieldError(JsonElement problem, string field, string containing)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(containing, StringComparison.OrdinalIgnoreCase));
    }

    private async Task AssertNotPersisted(string id)
    {
        var response = await Http.GetAsync($"/api/v1/channels/{id}");
        await Problem(response, HttpStatusCode.NotFound);
        var list = await Http.GetFromJsonAsync<JsonElement>("/api/v1/channels");
        Assert.DoesNotContain(list.EnumerateArray(), c => c.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Post_with_id_name_and_number_creates_and_get_lists_it()
    {
        var id = NewId();

        var created = await Post($$"""{"id":"{{id}}","name":"CCTV 1 综合","number":1}""");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/channels/{id}", created.Headers.Location?.ToString());
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("CCTV 1 综合", body.GetProperty("name").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());

        var one = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{id}");
        Assert.Equal(1, one.GetProperty("number").GetInt32());
        var list = await Http.GetFromJsonAsync<JsonElement>("/api/v1/channels");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Put_updates_and_bumps_the_version()
    {
        var id = NewId();
        (await Post($$"""{"id":"{{id}}","name":"Old","number":5}""")).EnsureSuccessStatusCode();

        var updated = await Http.PutAsync($"/api/v1/channels/{id}", Json("""{"name":"New","number":6}"""));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal("New", (await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{id}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Creating_an_existing_id_is_409_and_keeps_the_original()
    {
        var id = NewId();
        (await Post($$"""{"id":"{{id}}","name":"First","number":7}""")).EnsureSuccessStatusCode();

        await Problem(await Post($$"""{"id":"{{id}}","name":"Second","number":8}"""), HttpStatusCode.Conflict);

        var kept = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{id}");
        Assert.Equal("First", kept.GetProperty("name").GetString());
        Assert.Equal(1, kept.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("""{"name":"N","number":1}""", "id", "required")]
    [InlineData("""{"id":"ID","name":null,"number":1}""", "name", "required")]
    [InlineData("""{"id":"ID","name":"N"}""", "number", "required")]
    [InlineData("""{"id":"ID","name":"N","number":"1"}""", "number", "integer")]
    [InlineData("""{"id":"ID","name":"N","number":1.5}""", "number", "integer")]
    [InlineData("""{"id":"ID","name":"N","number":99999999999}""", "number", "integer")]
    [InlineData("""{"id":"ID","name":"N","number":true}""", "number", "integer")]
    [InlineData("""{"id":"ID","name":42,"number":1}""", "name", "string")]
    [InlineData("""{"id":"ID","name":["a"],"number":1}""", "name", "string")]
    [InlineData("""{"id":"ID","name":"  ","number":1}""", "name", "empty")]
    [InlineData("""{"id":"ID","name":"N","number":0}""", "number", "between")]
    [InlineData("""{"id":"ID","name":"N","number":100000}""", "number", "between")]
    [InlineData("""{"id":"ID","name":"N","number":1,"nmae":"typo"}""", "nmae", "unknown field")]
    public async Task Missing_or_mistyped_fields_are_400_naming_the_field_and_nothing_is_persisted(string template, string field, string message)
    {
        var id = NewId();

        var problem = await Problem(await Post(template.Replace("ID", id)), HttpStatusCode.BadRequest);

        AssertFieldError(problem, field, message);
        await AssertNotPersisted(id);
    }

    [Theory]
    [InlineData(42)]
    [InlineData("UPPER")]
    [InlineData("../../etc/passwd")]
    [InlineData("")]
    [InlineData("with space")]
    public async Task Ids_that_are_not_channel_ids_are_400(object id)
    {
        var body = JsonSerializer.Serialize(new { id, name = "N", number = 1 });

        var problem = await Problem(await Post(body), HttpStatusCode.BadRequest);

        AssertFieldError(problem, "id", id is string ? "lower-case" : "string");
    }

    [Theory]
    [InlineData("not json at all", "malformed")]
    [InlineData("{\"id\":\"x\",", "malformed")]
    [InlineData("[1,2,3]", "object")]
    [InlineData("\"just a string\"", "object")]
    [InlineData("", "malformed")]
    public async Task Bodies_that_are_not_a_json_object_are_400(string body, string message)
    {
        var problem = await Problem(await Post(body), HttpStatusCode.BadRequest);

        AssertFieldError(problem, "body", message);
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_415()
    {
        var content = new StringContent("""{"id":"x","name":"N","number":1}""", Encoding.UTF8, "text/plain");

        await Problem(await Http.PostAsync("/api/v1/channels", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_oversized_body_is_413_whether_its_length_is_declared_or_not()
    {
        var id = NewId();
        var huge = $$"""{"id":"{{id}}","name":"{{new string('x', 200_000)}}","number":1}""";

        await Problem(await Post(huge), HttpStatusCode.RequestEntityTooLarge);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/channels") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Problem(await Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);

        await AssertNotPersisted(id);
    }

    [Fact]
    public async Task Unknown_ids_are_404_on_get_and_put()
    {
        var id = NewId();

        var get = await Problem(await Http.GetAsync($"/api/v1/channels/{id}"), HttpStatusCode.NotFound);
        await Problem(await Http.PutAsync($"/api/v1/channels/{id}", Json("""{"name":"N","number":1}""")), HttpStatusCode.NotFound);

        Assert.Contains(id, get.GetProperty("detail").GetString());
        await AssertNotPersisted(id);
    }

    [Fact]
    public async Task Malformed_ids_in_the_path_are_400()
    {
        await Problem(await Http.GetAsync("/api/v1/channels/NOT-LOWER"), HttpStatusCode.BadRequest);
        await Problem(await Http.GetAsync("/api/v1/channels/..%2F..%2Fetc"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Put_with_a_different_id_in_the_body_is_400()
    {
        var id = NewId();
        (await Post($$"""{"id":"{{id}}","name":"N","number":9}""")).EnsureSuccessStatusCode();

        var problem = await Problem(await Http.PutAsync($"/api/v1/channels/{id}", Json("""{"id":"other","name":"M","number":9}""")),
            HttpStatusCode.BadRequest);

        AssertFieldError(problem, "id", "equal");
        Assert.Equal("N", (await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{id}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_full_config_round_trips_and_a_new_channel_is_stopped()
    {
        var id = NewId();
        var port = Repo.FreeUdpPort();
        var created = await Post($$"""
            {"id":"{{id}}","name":"Full","number":42,"source":"udp://127.0.0.1:{{port}}","backupSource":"http://127.0.0.1:1/live.ts",
             "lowLatency":true,"logo":"https://img.example/full.png","genre":"News","archiveHours":168,
             "transcode":{"frameRate":29.97,"ladder":[{"name":"720p","width":1280,"height":720,"videoKbps":3000},
                                                     {"name":"360p","width":640,"height":360,"videoKbps":700,"audioKbps":96,"profile":"main"} ] } }
            """);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var body = await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{id}");
        Assert.Equal("http://127.0.0.1:1/live.ts", body.GetProperty("backupSource").GetString());
        Assert.Equal("News", body.GetProperty("genre").GetString());
        Assert.Equal(168, body.GetProperty("archiveHours").GetInt32());
        Assert.Equal("Stopped", body.GetProperty("phase").GetString());
        var ladder = body.GetProperty("transcode").GetProperty("ladder");
        Assert.Equal(["720p", "360p"], ladder.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(29.97, body.GetProperty("transcode").GetProperty("frameRate").GetDouble());
        Assert.Equal("main", ladder[1].GetProperty("profile").GetString());
        Assert.Equal("high", ladder[0].GetProperty("profile").GetString());

        // The same config again is no change: same version.
        var again = await Http.PutAsync($"/api/v1/channels/{id}", Json($$"""
            {"name":"Full","number":42,"source":"udp://127.0.0.1:{{port}}","backupSource":"http://127.0.0.1:1/live.ts",
             "lowLatency":true,"logo":"https://img.example/full.png","genre":"News","archiveHours":168,
             "transcode":{"frameRate":29.97,"ladder":[{"name":"720p","width":1280,"height":720,"videoKbps":3000},
                                                     {"name":"360p","width":640,"height":360,"videoKbps":700,"audioKbps":96,"profile":"main"} ] } }
            """));
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("""{"source":"udp://127.0.0.1:5000","backupSource":"udp://127.0.0.1:5000"}""", "backupSource", "differ")]
    [InlineData("""{"backupSource":"udp://127.0.0.1:5000"}""", "backupSource", "primary")]
    [InlineData("""{"backupSource":7}""", "backupSource", "must be")]
    [InlineData("""{"transcode":{"ladder":[]}}""", "transcode", "empty")]
    [InlineData("""{"transcode":[]}""", "transcode", "object")]
    [InlineData("""{"transcode":{}}""", "transcode.ladder", "array")]
    [InlineData("""{"transcode":{"ladder":[{"name":"a","width":"wide","height":2,"videoKbps":1}]}}""", "transcode.ladder[0].width", "integer")]
    [InlineData("""{"transcode":{"ladder":[{"name":"a","height":360,"videoKbps":700}]}}""", "transcode.ladder[0].width", "required")]
    [InlineData("""{"transcode":{"ladder":[{"name":"a","width":640,"height":360,"videoKbps":700,"crf":23}]}}""", "transcode.ladder[0].crf", "unknown")]
    [InlineData("""{"transcode":{"ladder":[{"name":"a","width":641,"height":360,"videoKbps":700}]}}""", "transcode", "even")]
    [InlineData("""{"transcode":{"preset":"slow","ladder":[{"name":"a","width":640,"height":360,"videoKbps":700}]}}""", "transcode.preset", "unknown")]
    [InlineData("""{"transcode":{"frameRate":"pal","ladder":[{"name":"a","width":640,"height":360,"videoKbps":700}]}}""", "transcode.frameRate", "number")]
    [InlineData("""{"logo":"javascript:alert(1)"}""", "logo", "http")]
    [InlineData("""{"genre":"g"}""", "", "")]
    [InlineData("""{"archiveHours":"72"}""", "archiveHours", "integer")]
    [InlineData("""{"archiveHours":100000}""", "archiveHours", "between")]
    [InlineData("""{"source":"file://relative/x.ts"}""", "source", "file")]
    [InlineData("""{"source":"srt://10.0.0.1:9000?mode=sideways"}""", "source", "mode")]
    public async Task Bad_extended_fields_are_400_naming_the_field_and_nothing_is_persisted(string extra, string field, string message)
    {
        var id = NewId();
        var body = $$"""{"id":"{{id}}","name":"X","number":5,""" + extra[1..];
        var response = await Post(body);
        if (field.Length == 0)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return;
        }

        AssertFieldError(await Problem(response, HttpStatusCode.BadRequest), field, message);
        await AssertNotPersisted(id);
    }

    [Fact]
    public async Task A_udp_input_another_channel_reads_or_another_program_holds_is_400()
    {
        var port = Repo.FreeUdpPort();
        var first = NewId();
        (await Post($$"""{"id":"{{first}}","name":"A","number":1,"source":"udp://127.0.0.1:{{port}}"}""")).EnsureSuccessStatusCode();

        var second = NewId();
        var taken = await Problem(await Post($$"""{"id":"{{second}}","name":"B","number":2,"source":"udp://127.0.0.1:5999","backupSource":"udp://127.0.0.1:{{port}}"}"""),
            HttpStatusCode.BadRequest);
        AssertFieldError(taken, "backupSource", $"input of channel '{first}'");
        await AssertNotPersisted(second);

        using var holder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var held = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var busy = await Problem(await Post($$"""{"id":"{{second}}","name":"B","number":2,"source":"udp://127.0.0.1:{{held}}"}"""), HttpStatusCode.BadRequest);
        AssertFieldError(busy, "source", "in use by another program");
        await AssertNotPersisted(second);

        // Updating the first channel to a taken port is refused as well, and keeps its config.
        var update = await Problem(await Http.PutAsync($"/api/v1/channels/{first}", Json($$"""{"name":"A","number":1,"source":"udp://127.0.0.1:{{held}}"}""")),
            HttpStatusCode.BadRequest);
        AssertFieldError(update, "source", "in use");
        Assert.Equal($"udp://127.0.0.1:{port}", (await Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{first}")).GetProperty("source").GetString());
    }
}
