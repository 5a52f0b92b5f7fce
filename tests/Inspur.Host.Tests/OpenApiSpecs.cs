using System.Net;
using System.Text.Json;
using Inspur.Host.Api;
using Inspur.Host.Boss;
using Inspur.Testing;

namespace Inspur.Host.Tests;

/// <summary>
/// The OpenAPI documents a real node serves, checked against what that node does: every BOSS route is documented, signed and
/// answers 401 unsigned; the Idempotency-Key header is documented exactly where the node refuses a request without one; a
/// documented request body has exactly the fields the handler accepts, as its own "unknown field" answer lists them.
/// </summary>
[Collection(BossNodeCollection.Name)]
public sealed class OpenApiSpecs(BossNodeFixture fixture)
{
    private const string Probe = "openapi-probe";

    private static readonly string[] Operations =
    [
        "PUT /products/{productId}", "GET /products", "GET /products/{productId}",
        "POST /subscribers", "GET /subscribers", "GET /subscribers/{id}", "GET /subscribers/{id}/usage", "GET /subscribers/{id}/authorization",
        "POST /subscribers/{id}/suspend", "POST /subscribers/{id}/credentials", "POST /subscribers/{id}/revoke-tokens", "POST /subscribers/{id}/resume",
        "POST /subscribers/{id}/close", "PUT /subscribers/{id}/limits", "POST /subscribers/{id}/devices", "DELETE /subscribers/{id}/devices/{deviceId}",
        "POST /subscribers/{id}/orders", "DELETE /subscribers/{id}/orders/{productId}", "POST /subscribers/{id}/activations",
        "GET /subscribers/{id}/sessions", "DELETE /sessions/{sessionId}", "GET /billing/reconciliation", "GET /subscribers/{id}/entitlements",
    ];

    /// <summary>The field arrays the handlers parse with, by operation; an operation not here reads no body fields.</summary>
    private static readonly Dictionary<string, string[]> Bodies = new()
    {
        ["PUT /products/{productId}"] = BossApi.ProductFields,
        ["POST /subscribers"] = BossApi.OpenFields,
        ["POST /subscribers/{id}/suspend"] = BossApi.ReasonFields,
        ["POST /subscribers/{id}/credentials"] = BossApi.CredentialFields,
        ["POST /subscribers/{id}/revoke-tokens"] = BossApi.ReasonFields,
        ["POST /subscribers/{id}/close"] = BossApi.ReasonFields,
        ["PUT /subscribers/{id}/limits"] = BossApi.LimitFields,
        ["POST /subscribers/{id}/devices"] = BossApi.DeviceFields,
        ["POST /subscribers/{id}/orders"] = BossApi.OrderFields,
        ["POST /subscribers/{id}/activations"] = ActivationApi.CodeFields,
    };

    private BossClient Boss => new(fixture.Node);

    [Fact]
    public async Task The_boss_document_has_every_boss_route_summarised_signed_and_with_a_401()
    {
        var document = await DocumentAsync("boss");
        var operations = BossOperations(document).ToList();

        Assert.Equal(Operations.Order(StringComparer.Ordinal), operations.Select(o => o.Name).Order(StringComparer.Ordinal));
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.TryGetProperty("summary", out var s) ? s.GetString() : null), $"{name} has no summary");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{name} documents no 401");
            var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
            Assert.Equal([BossOpenApi.KeyScheme, BossOpenApi.SignatureScheme, BossOpenApi.TimestampScheme],
                requirement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            var success = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
            Assert.True(success.Count == 1 && success[0].Value.TryGetProperty("content", out _), $"{name} documents no success body");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        foreach (var (scheme, header) in new[]
                 {
                     (BossOpenApi.KeyScheme, BossSignature.KeyHeader), (BossOpenApi.TimestampScheme, BossSignature.TimestampHeader),
                     (BossOpenApi.SignatureScheme, BossSignature.SignatureHeader),
                 })
        {
            var s = schemes.GetProperty(scheme);
            Assert.Equal("apiKey", s.GetProperty("type").GetString());
            Assert.Equal("header", s.GetProperty("in").GetString());
            Assert.Equal(header, s.GetProperty("name").GetString());
        }

        Assert.Contains("HMAC-SHA256", schemes.GetProperty(BossOpenApi.SignatureScheme).GetProperty("description").GetString());
    }

    [Fact]
    public async Task Every_documented_boss_operation_refuses_an_unsigned_request()
    {
        foreach (var (name, _) in BossOperations(await DocumentAsync("boss")))
        {
            var (method, target) = Target(name);
            using var request = new HttpRequestMessage(method, BossClient.Prefix + target);
            using var response = await fixture.Node.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name} unsigned answered {response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_idempotency_key_is_documented_exactly_where_the_node_demands_it()
    {
        var documented = new List<string>();
        foreach (var (name, operation) in BossOperations(await DocumentAsync("boss")))
        {
            var key = operation.TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().SingleOrDefault(p => p.GetProperty("name").GetString() == BossSignature.IdempotencyHeader)
                : default;
            if (key.ValueKind == JsonValueKind.Object)
            {
                Assert.Equal("header", key.GetProperty("in").GetString());
                Assert.True(key.GetProperty("required").GetBoolean(), $"{name}: Idempotency-Key not required");
                documented.Add(name);
            }

            var (method, target) = Target(name);
            using var response = await Boss.SendAsync(method, target, method == HttpMethod.Get ? null : "{}");
            var text = await response.Content.ReadAsStringAsync();
            var demanded = response.StatusCode == HttpStatusCode.BadRequest && text.Contains("\"Idempotency-Key required\"", StringComparison.Ordinal);
            Assert.True(demanded == (key.ValueKind == JsonValueKind.Object), $"{name}: documented {key.ValueKind == JsonValueKind.Object}, node answered {response.StatusCode} {text}");
        }

        Assert.Equal(Operations.Where(o => !o.StartsWith("GET ", StringComparison.Ordinal) && o != "DELETE /sessions/{sessionId}").Order(StringComparer.Ordinal),
            documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_documented_request_body_has_exactly_the_fields_the_handler_accepts()
    {
        var document = await DocumentAsync("boss");
        foreach (var (name, operation) in BossOperations(document).Where(o => !o.Name.StartsWith("GET ", StringComparison.Ordinal)))
        {
            var properties = operation.TryGetProperty("requestBody", out var body)
                ? Schema(document, body.GetProperty("content").GetProperty("application/json").GetProperty("schema")).GetProperty("properties")
                    .EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList()
                : [];
            var fields = Bodies.TryGetValue(name, out var f) ? f.Order(StringComparer.Ordinal).ToList() : [];
            Assert.True(fields.SequenceEqual(properties), $"{name}: documented [{string.Join(", ", properties)}], handler parses [{string.Join(", ", fields)}]");

            // What the node itself says it allows, when it reads the body at all.
            var (method, target) = Target(name);
            using var response = await Boss.SendAsync(method, target, """{"zz-unknown":1}""", Guid.NewGuid().ToString("N"));
            var text = await response.Content.ReadAsStringAsync();
            if (!Bodies.ContainsKey(name) && response.StatusCode != HttpStatusCode.BadRequest) continue;
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {response.StatusCode} {text}");
            var error = JsonDocument.Parse(text).RootElement.GetProperty("errors").GetProperty("zz-unknown")[0].GetString()!;
            var allowed = error[(error.IndexOf("allowed:", StringComparison.Ordinal) + "allowed:".Length)..]
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            Assert.True(properties.SequenceEqual(allowed), $"{name}: documented [{string.Join(", ", properties)}], node allows [{string.Join(", ", allowed)}]");
        }
    }

    [Fact]
    public async Task Query_parameters_the_handlers_read_are_documented()
    {
        var operations = BossOperations(await DocumentAsync("boss")).ToDictionary(o => o.Name, o => o.Operation);
        string[] Query(string name) => operations[name].GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["limit", "q"], Query("GET /subscribers"));
        Assert.Equal(["at", "channel"], Query("GET /subscribers/{id}/authorization"));
        Assert.Equal(["at"], Query("GET /subscribers/{id}/entitlements"));
        Assert.Equal(["since"], Query("GET /billing/reconciliation"));
        Assert.Equal(["effectiveAt"], Query("DELETE /subscribers/{id}/orders/{productId}"));
    }

    [Fact]
    public async Task The_player_document_has_the_v1_api_and_no_boss_route()
    {
        var paths = (await DocumentAsync("v1")).GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.NotEmpty(paths);
        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p, StringComparison.Ordinal));
        Assert.Contains("/api/v1/auth/sign-in", paths);
    }

    private async Task<JsonElement> DocumentAsync(string name)
    {
        using var response = await fixture.Node.Http.GetAsync($"/openapi/{name}.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/openapi/{name}.json: {response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(text).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        return document;
    }

    /// <summary>Each operation as "METHOD /path" under the BOSS prefix; every documented path must be under it.</summary>
    private static IEnumerable<(string Name, JsonElement Operation)> BossOperations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            Assert.StartsWith(BossClient.Prefix + "/", path.Name, StringComparison.Ordinal);
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "delete" or "patch"))
                yield return ($"{operation.Name.ToUpperInvariant()} {path.Name[BossClient.Prefix.Length..]}", operation.Value);
        }
    }

    /// <summary>The operation's method and a target with every path parameter filled by a valid id nothing exists under.</summary>
    private static (HttpMethod Method, string Target) Target(string name)
    {
        var space = name.IndexOf(' ');
        return (new HttpMethod(name[..space]), System.Text.RegularExpressions.Regex.Replace(name[(space + 1)..], "\\{[^}]+\\}", Probe));
    }

    private static JsonElement Schema(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;
}
