using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Inspur.Host.Boss;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Inspur.Host.Api;

/// <summary>
/// The OpenAPI documents a client is generated from: <c>/openapi/boss.json</c> (the signed BOSS API, with its signing scheme,
/// Idempotency-Key headers, query parameters and request bodies) and <c>/openapi/v1.json</c> (the player and operator API).
/// The BOSS handlers read JSON by hand, so their bodies and query parameters are declared here as metadata the document reads.
/// </summary>
public static class BossOpenApi
{
    public const string Document = "boss";
    public const string PlayerDocument = "v1";
    public const string KeyScheme = "bossKey";
    public const string TimestampScheme = "bossTimestamp";
    public const string SignatureScheme = "bossSignature";

    public const string SigningDescription =
        "Every request is signed. X-Boss-Signature is the lowercase hex HMAC-SHA256, with the secret of the key named in X-Boss-Key, over " +
        "METHOD + \"\\n\" + PATH?QUERY + \"\\n\" + TIMESTAMP + \"\\n\" + hex(SHA256(body)): the method upper-cased, the request target exactly as sent " +
        "(percent-encoding included), X-Boss-Timestamp as sent (Unix seconds, within Inspur:Boss:SkewSeconds, default 300, of the node's clock), " +
        "and the lowercase hex SHA-256 of the body bytes as sent (of nothing for no body). A wrong key, signature or timestamp is 401; " +
        "the same signed mutation seen again within the window is 409, so sign every retry anew.";

    public const string IdempotencyDescription =
        "1-100 visible ASCII characters (e.g. a UUID), the same on every retry of this request: a retry answers the first status and body, " +
        "with header Idempotent-Replayed: true; the same key with a different request is 422.";

    public static IServiceCollection AddInspurOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(Document, options =>
        {
            options.ShouldInclude = d => Under(d.RelativePath, BossApi.Route);
            options.AddDocumentTransformer((document, _, _) =>
            {
                Sign(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                Describe(operation, context.Description.ActionDescriptor.EndpointMetadata);
                return Task.CompletedTask;
            });
        });
        services.AddOpenApi(PlayerDocument, options => options.ShouldInclude = d => Under(d.RelativePath, "/api/v1"));
        return services;
    }

    /// <summary>A mutation the handler refuses without an <c>Idempotency-Key</c>: a required header, 409 replay, 422 key reuse.</summary>
    internal static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(IdempotencyKeyRequired.Instance).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>A JSON request body of <typeparamref name="TRequest"/>'s shape, and the 413/415 it may answer.</summary>
    internal static RouteHandlerBuilder Body<TRequest>(this RouteHandlerBuilder builder, bool optional = false) where TRequest : notnull =>
        builder.Accepts<TRequest>(optional, "application/json").ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A query parameter the handler reads itself.</summary>
    internal static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, string name, string description, bool required = false) =>
        builder.WithMetadata(new QueryParameter(name, description, required));

    private static bool Under(string? relativePath, string route) =>
        relativePath is not null && ("/" + relativePath + "/").StartsWith(route + "/", StringComparison.Ordinal);

    private static void Sign(OpenApiDocument document)
    {
        document.Info.Title = "Inspur.Akka BOSS API";
        document.Info.Description = SigningDescription;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[KeyScheme] = Header(BossSignature.KeyHeader, "The key id, configured on the node as Inspur:Boss:Keys:{keyId} = secret.");
        document.Components.SecuritySchemes[TimestampScheme] = Header(BossSignature.TimestampHeader, "Unix seconds when the request was signed.");
        document.Components.SecuritySchemes[SignatureScheme] = Header(BossSignature.SignatureHeader, SigningDescription);

        // One requirement of all three: every BOSS operation needs the key, the timestamp and the signature together.
        var requirement = new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(KeyScheme, document)] = [],
            [new OpenApiSecuritySchemeReference(TimestampScheme, document)] = [],
            [new OpenApiSecuritySchemeReference(SignatureScheme, document)] = [],
        };
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            operation.Security ??= [];
            operation.Security.Add(requirement);
        }
    }

    private static void Describe(OpenApiOperation operation, IList<object> metadata)
    {
        if (metadata.OfType<IdempotencyKeyRequired>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = BossSignature.IdempotencyHeader,
                In = ParameterLocation.Header,
                Required = true,
                Description = IdempotencyDescription,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 100 },
            });
        }

        foreach (var query in metadata.OfType<QueryParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.Required,
                Description = query.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    private static OpenApiSecurityScheme Header(string name, string description) =>
        new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };

    private sealed class IdempotencyKeyRequired
    {
        public static readonly IdempotencyKeyRequired Instance = new();
    }

    private sealed record QueryParameter(string Name, string Description, bool Required);
}

/// <summary>
/// The BOSS request bodies as the document shows them. Their property names are exactly the handlers' allowed field arrays
/// (<c>OpenApiSpecs</c> checks both against the node's own "unknown field" answer); the handlers still parse by hand.
/// </summary>
public static class BossRequests
{
    /// <summary><c>PUT /products/{productId}</c>: a package lists <c>channels</c>, an SVOD <c>vodPacks</c>, a TVOD <c>titleId</c> and <c>validityHours</c>.</summary>
    public sealed record ProductRequest(
        [property: Required, Description("package, svod or tvod")] string Kind,
        [property: Required] string Name,
        [property: Required, Description("minor units: 3000 is 30.00")] long Price,
        [property: Required, Description("ISO 4217, e.g. CNY")] string Currency,
        [property: Description("channel ids (package)")] IReadOnlyList<string>? Channels,
        [property: Description("VOD pack ids (svod; may be empty)")] IReadOnlyList<string>? VodPacks,
        [property: Description("the title (tvod)")] string? TitleId,
        [property: Description("hours an order lasts (tvod)")] int? ValidityHours);

    /// <summary><c>POST /subscribers</c>: the id is the BOSS's account id, so an open can be retried.</summary>
    public sealed record OpenSubscriberRequest(
        [property: Required, Description("1-64 lower-case letters, digits or dashes")] string Id,
        [property: Required] string Name,
        [property: Description("1-100, default 5")] int? DeviceLimit,
        [property: Description("1-100, default 2")] int? StreamLimit,
        [property: Description("8-128 characters")] string? Password,
        [property: Description("4-8 digits")] string? Pin);

    /// <summary><c>POST /subscribers/{id}/credentials</c>: at least one; the other is kept.</summary>
    public sealed record CredentialsRequest(
        [property: Description("8-128 characters")] string? Password,
        [property: Description("4-8 digits")] string? Pin);

    /// <summary><c>POST /subscribers/{id}/suspend</c>.</summary>
    public sealed record SuspendRequest([property: Required] string Reason);

    /// <summary><c>POST /subscribers/{id}/revoke-tokens</c> and <c>/close</c>: an optional reason.</summary>
    public sealed record ReasonRequest(string? Reason);

    /// <summary><c>PUT /subscribers/{id}/limits</c>: 1-100 each, not below the devices registered.</summary>
    public sealed record LimitsRequest([property: Required] int DeviceLimit, [property: Required] int StreamLimit);

    /// <summary><c>POST /subscribers/{id}/devices</c>: a set-top box needs a MAC or a serial.</summary>
    public sealed record DeviceRequest(
        [property: Required, Description("1-64 letters, digits, '.', '_', ':' or '-'")] string Id,
        [property: Required, Description("stb, phone, tablet or browser")] string Kind,
        [property: Description("six hex pairs such as 00:1a:2b:3c:4d:5e")] string? Mac,
        string? Serial,
        string? Name);

    /// <summary><c>POST /subscribers/{id}/orders</c>: times are ISO 8601 with an offset, or Unix seconds.</summary>
    public sealed record OrderRequest(
        [property: Required] string ProductId,
        [property: Description("default now; ISO 8601 with an offset or Unix seconds")] DateTimeOffset? From,
        [property: Description("default the product's validity (tvod) or open; ISO 8601 with an offset or Unix seconds")] DateTimeOffset? Until);

    /// <summary><c>POST /subscribers/{id}/activations</c>: the code the box shows.</summary>
    public sealed record ActivationCodeRequest([property: Required, Description("as the box shows it; case-insensitive, a dash optional")] string Code);
}
