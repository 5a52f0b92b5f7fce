using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Domain.Channels;
using Inspur.Domain.Subscribers;
using Inspur.Host.Boss;
using Microsoft.AspNetCore.Http.Features;
using static Inspur.Domain.Subscribers.ProductCatalogProtocol;
using static Inspur.Domain.Subscribers.SubscriberCommands;
using static Inspur.Domain.Subscribers.SubscriberReplies;

namespace Inspur.Host.Api;

/// <summary>
/// The operator's BOSS API <c>/api/boss/v1</c>: products, accounts, devices, orders, usage and authorisation. Every request is
/// signed (<see cref="BossAuthenticator"/>); every mutation carries an <c>Idempotency-Key</c> and answers a receipt that a
/// retry with the same key answers again, status and body alike; every error is problem+json and persists nothing.
/// </summary>
public static partial class BossApi
{
    public const string Route = "/api/boss/v1";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int DefaultDeviceLimit = 5;
    public const int DefaultStreamLimit = 2;

    internal static readonly string[] OpenFields = ["id", "name", "deviceLimit", "streamLimit", "password", "pin"];
    internal static readonly string[] CredentialFields = ["password", "pin"];
    internal static readonly string[] LimitFields = ["deviceLimit", "streamLimit"];
    internal static readonly string[] ReasonFields = ["reason"];
    internal static readonly string[] NoFields = [];
    internal static readonly string[] DeviceFields = ["id", "kind", "mac", "serial", "name"];
    internal static readonly string[] OrderFields = ["productId", "from", "until"];
    internal static readonly string[] ProductFields = ["kind", "name", "price", "currency", "channels", "vodPacks", "titleId", "validityHours"];
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static IEndpointRouteBuilder MapBossApi(this IEndpointRouteBuilder app)
    {
        var group = MapGroup(app);

        group.MapPut("/products/{productId}", async (string productId, HttpRequest request, ISubscriberService service, CancellationToken ct) =>
        {
            if (!ProductId.IsValid(productId)) return InvalidId("productId", productId, "product");
            var (key, keyError) = IdempotencyKey(request);
            if (keyError is not null) return keyError;
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            var definition = ReadProduct(body, errors);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            if (ProductDefinition.Validate(definition) is { } problem) return Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] });
            return await Guard(async () => await service.DefineProductAsync(new ProductId(productId), definition!, key!, ct) switch
            {
                ProductReceipt r => Receipt(request, r.ProductId.Value, r.Version, r.At, r.Replayed),
                ProductRejected r => Rejected(r.Reason, r.Message),
                var other => Unexpected(other),
            });
        })
            .WithSummary("Define or redefine a product")
            .WithDescription("A package lists channels, an SVOD vodPacks, a TVOD a titleId and validityHours. Orders keep the product as ordered.")
            .Idempotent().Body<BossRequests.ProductRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/products", async (ISubscriberService service, CancellationToken ct) =>
            await Guard(async () => Results.Ok((await service.ListProductsAsync(ct)).Select(ProductDto.Of))))
            .WithSummary("List the products")
            .Produces<IReadOnlyList<ProductDto>>();

        group.MapGet("/products/{productId}", async (string productId, ISubscriberService service, CancellationToken ct) =>
            !ProductId.IsValid(productId)
                ? InvalidId("productId", productId, "product")
                : await Guard(async () => await service.GetProductAsync(new ProductId(productId), ct) switch
                {
                    ProductFound f => Results.Ok(ProductDto.Of(f.Product)),
                    ProductRejected r => Rejected(r.Reason, r.Message),
                    var other => Unexpected(other),
                }))
            .WithSummary("Get a product")
            .Produces<ProductDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers", async (HttpRequest request, CancellationToken ct) =>
        {
            var (key, keyError) = IdempotencyKey(request);
            if (keyError is not null) return keyError;
            var (body, error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
            var errors = new Dictionary<string, string[]>();
            JsonBody.RejectUnknown(body, OpenFields, errors);
            var id = JsonBody.RequiredString(body, "id", errors);
            if (id is not null && !SubscriberId.IsValid(id)) errors["id"] = [$"'{Truncate(id)}' is not a subscriber id: 1-64 lower-case letters, digits or dashes"];
            var name = JsonBody.RequiredString(body, "name", errors);
            var limits = new SubscriberLimits(JsonBody.OptionalInt(body, "deviceLimit", errors) ?? DefaultDeviceLimit,
                JsonBody.OptionalInt(body, "streamLimit", errors) ?? DefaultStreamLimit);
            if (errors.Count == 0 && SubscriberLimits.Validate(limits) is { } bad) errors[bad.Field] = [bad.Message];
            var (password, pin) = ReadCredentials(body, errors);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await Send(request, new OpenAccount(new SubscriberId(id!), key!, name!, limits) { Password = Hash(password), Pin = Hash(pin) }, created: true, ct);
        })
            .WithSummary("Open an account")
            .WithDescription("The id is the BOSS's account id, so an open can be retried; answers 201 with Location.")
            .Idempotent().Body<BossRequests.OpenSubscriberRequest>()
            .Produces<BossReceipt>(StatusCodes.Status201Created).ProducesValidationProblem();

        group.MapGet("/subscribers", async (HttpRequest request, ISubscriberService service, CancellationToken ct) =>
        {
            var limit = 100;
            if (request.Query["limit"] is { Count: > 0 } text &&
                (!int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > SubscriberDirectoryProjection.MaxResults))
                return Invalid("limit", $"limit must be 1-{SubscriberDirectoryProjection.MaxResults}");
            var now = DateTimeOffset.UtcNow;
            return await Guard(async () => Results.Ok((await service.SearchAsync(request.Query["q"].ToString(), limit, ct)).Select(v => SubscriberDto.Of(v, now))));
        })
            .WithSummary("Search accounts")
            .WithDescription("By a substring of id or name, or a device's id, MAC (colons or dashes) or serial.")
            .Query("q", "what to search for; empty lists the first accounts")
            .Query("limit", $"1-{SubscriberDirectoryProjection.MaxResults}, default 100")
            .Produces<IReadOnlyList<SubscriberDto>>().ProducesValidationProblem();

        group.MapGet("/subscribers/{id}", async (string id, ISubscriberService service, CancellationToken ct) =>
            await Read(id, service, v => Results.Ok(SubscriberDto.Of(v, DateTimeOffset.UtcNow)), ct))
            .WithSummary("Get an account")
            .WithDescription("The account with its devices and the ids of the products in force now.")
            .Produces<SubscriberDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/subscribers/{id}/usage", async (string id, ISubscriberService service, ISessionService sessions, CancellationToken ct) =>
            await Read(id, service, async v => Results.Ok(UsageDto.Of(v, DateTimeOffset.UtcNow,
                (await sessions.ListBySubscriberAsync(v.SubscriberId.Value, ct)).Select(SessionDto.Of).ToList())), ct))
            .WithSummary("Get an account's usage")
            .WithDescription("Every order ever placed (as ordered), the devices and the active playback sessions.")
            .Produces<UsageDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/subscribers/{id}/authorization", async (string id, HttpRequest request, ISubscriberService service, CancellationToken ct) =>
        {
            if (!SubscriberId.IsValid(id)) return InvalidId("id", id, "subscriber");
            var channel = request.Query["channel"].ToString();
            if (!ChannelId.IsValid(channel)) return Invalid("channel", "channel must be a channel id");
            var at = DateTimeOffset.UtcNow;
            if (request.Query["at"] is { Count: > 0 } atText)
            {
                if (QueryTime(atText.ToString()) is not { } asked) return Invalid("at", "at must be an ISO 8601 time with an offset or Unix seconds");
                at = asked;
            }

            return await Guard(async () => Results.Ok(AuthorizationDto.Of(await service.AuthorizeAsync(new SubscriberId(id), new ChannelId(channel), at, ct))));
        })
            .WithSummary("May this account watch this channel at this instant")
            .WithDescription("denial is unknown-subscriber, suspended, closed or not-entitled; null when allowed.")
            .Query("channel", "the channel id", required: true)
            .Query("at", "ISO 8601 with an offset or Unix seconds; default now")
            .Produces<AuthorizationDto>().ProducesValidationProblem();

        group.MapPost("/subscribers/{id}/suspend", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, ReasonFields, optionalBody: false, (sid, key, body, errors) =>
            {
                var reason = JsonBody.RequiredString(body, "reason", errors);
                return errors.Count > 0 ? null : new SuspendAccount(sid, key, reason!);
            }, ct))
            .WithSummary("Suspend an account")
            .Idempotent().Body<BossRequests.SuspendRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/credentials", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, CredentialFields, optionalBody: false, (sid, key, body, errors) =>
            {
                var (password, pin) = ReadCredentials(body, errors);
                if (errors.Count == 0 && password is null && pin is null) errors["password"] = ["send a password, a pin or both"];
                return errors.Count > 0 ? null : new SetCredentials(sid, key, Hash(password), Hash(pin));
            }, ct))
            .WithSummary("Set an account's password, PIN or both")
            .Idempotent().Body<BossRequests.CredentialsRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/revoke-tokens", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, ReasonFields, optionalBody: true, (sid, key, body, errors) =>
            {
                var reason = JsonBody.OptionalString(body, "reason", errors, "a string");
                return errors.Count > 0 ? null : new RevokeTokens(sid, key, reason ?? "revoked by the BOSS") { EndPlayback = true };
            }, ct))
            .WithSummary("Revoke every access token of an account")
            .WithDescription("Every token issued so far is refused from now on, and the account's playback ends on every node.")
            .Idempotent().Body<BossRequests.ReasonRequest>(optional: true)
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/resume", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, NoFields, optionalBody: true, (sid, key, _, _) => new ResumeAccount(sid, key), ct))
            .WithSummary("Resume a suspended account")
            .Idempotent()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/close", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, ReasonFields, optionalBody: true, (sid, key, body, errors) =>
            {
                var reason = JsonBody.OptionalString(body, "reason", errors, "a string");
                return errors.Count > 0 ? null : new CloseAccount(sid, key, reason);
            }, ct))
            .WithSummary("Close an account")
            .WithDescription("Closed is final: everything but reads is then 409.")
            .Idempotent().Body<BossRequests.ReasonRequest>(optional: true)
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/subscribers/{id}/limits", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, LimitFields, optionalBody: false, (sid, key, body, errors) =>
            {
                var devices = JsonBody.RequiredInt(body, "deviceLimit", errors);
                var streams = JsonBody.RequiredInt(body, "streamLimit", errors);
                if (errors.Count > 0) return null;
                var limits = new SubscriberLimits(devices!.Value, streams!.Value);
                if (SubscriberLimits.Validate(limits) is { } bad) errors[bad.Field] = [bad.Message];
                return errors.Count > 0 ? null : new ChangeLimits(sid, key, limits);
            }, ct))
            .WithSummary("Change an account's device and stream limits")
            .Idempotent().Body<BossRequests.LimitsRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/devices", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, DeviceFields, optionalBody: false, (sid, key, body, errors) =>
            {
                var deviceId = JsonBody.RequiredString(body, "id", errors);
                if (deviceId is not null && !SubscriberState.IsValidDeviceId(deviceId)) errors["id"] = ["id must be 1-64 letters, digits, '.', '_', ':' or '-'"];
                var kindText = JsonBody.RequiredString(body, "kind", errors);
                DeviceKind kind = default;
                if (kindText is not null && !TryEnum(kindText, out kind)) errors["kind"] = ["kind must be stb, phone, tablet or browser"];
                var mac = JsonBody.OptionalString(body, "mac", errors, "a MAC address such as 00:1a:2b:3c:4d:5e");
                if (mac is not null && SubscriberState.NormalizeMac(mac) is null) errors["mac"] = ["mac must be six hex pairs such as 00:1a:2b:3c:4d:5e"];
                var serial = JsonBody.OptionalString(body, "serial", errors, "a string");
                var name = JsonBody.OptionalString(body, "name", errors, "a string");
                return errors.Count > 0 ? null : new RegisterDevice(sid, key, deviceId!, kind, mac, serial, name);
            }, ct))
            .WithSummary("Register a device on an account")
            .Idempotent().Body<BossRequests.DeviceRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/subscribers/{id}/devices/{deviceId}", (string id, string deviceId, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, NoFields, optionalBody: true, (sid, key, _, errors) =>
            {
                if (!SubscriberState.IsValidDeviceId(deviceId)) errors["deviceId"] = ["deviceId must be 1-64 letters, digits, '.', '_', ':' or '-'"];
                return errors.Count > 0 ? null : new RemoveDevice(sid, key, deviceId);
            }, ct))
            .WithSummary("Remove a device from an account")
            .Idempotent()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/subscribers/{id}/orders", (string id, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, OrderFields, optionalBody: false, (sid, key, body, errors) =>
            {
                var product = JsonBody.RequiredString(body, "productId", errors);
                if (product is not null && !ProductId.IsValid(product)) errors["productId"] = [$"'{Truncate(product)}' is not a product id"];
                var from = JsonBody.OptionalTime(body, "from", errors);
                var until = JsonBody.OptionalTime(body, "until", errors);
                if (from is not null && until is not null && until <= from) errors["until"] = ["until must be after from"];
                return errors.Count > 0 ? null : new OrderProduct(sid, key, new ProductId(product!), from, until, null);
            }, ct))
            .WithSummary("Order a product for an account")
            .Idempotent().Body<BossRequests.OrderRequest>()
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/subscribers/{id}/orders/{productId}", (string id, string productId, HttpRequest request, CancellationToken ct) =>
            Mutate(id, request, NoFields, optionalBody: true, (sid, key, _, errors) =>
            {
                if (!ProductId.IsValid(productId)) errors["productId"] = [$"'{Truncate(productId)}' is not a product id"];
                DateTimeOffset? at = null;
                if (request.Query["effectiveAt"] is { Count: > 0 } text && (at = QueryTime(text.ToString())) is null)
                    errors["effectiveAt"] = ["effectiveAt must be an ISO 8601 time with an offset or Unix seconds"];
                return errors.Count > 0 ? null : new CancelProduct(sid, key, new ProductId(productId), at);
            }, ct))
            .WithSummary("Cancel an account's order of a product")
            .WithDescription("Ends the order in force (or scheduled) at effectiveAt, default now.")
            .Idempotent()
            .Query("effectiveAt", "ISO 8601 with an offset or Unix seconds; default now")
            .Produces<BossReceipt>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        MapSessions(group);
        group.MapPost("/subscribers/{id}/activations", ActivationApi.BossConfirm)
            .WithSummary("Confirm a set-top box's activation code for an account")
            .WithDescription("The call centre's confirmation; a retry with the same Idempotency-Key answers the same.")
            .Idempotent().Body<BossRequests.ActivationCodeRequest>()
            .Produces<ActivationConfirmedDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);

        return app;
    }

    /// <summary>A group of signed BOSS routes; every one may answer 401 (signing) and 503 (no keys, or the cluster slow).</summary>
    internal static RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) =>
        app.MapGroup(Route).WithTags("boss").AddEndpointFilter(Authenticate)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>Verifies the signature over the exact bytes and target received, then hands the handler the same body.</summary>
    internal static async ValueTask<object?> Authenticate(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        if (await JsonBody.ReadBytesAsync(request, http.RequestAborted) is not { } body) return JsonBody.TooLarge();
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var authenticator = http.RequestServices.GetRequiredService<BossAuthenticator>();
        if (authenticator.Verify(request.Method, target, request.Headers[BossSignature.KeyHeader], request.Headers[BossSignature.TimestampHeader],
                request.Headers[BossSignature.SignatureHeader], body) is { } problem)
            return problem;
        request.Body = new MemoryStream(body, writable: false);
        return await next(context);
    }

    private static async Task<IResult> Mutate(string id, HttpRequest request, string[] fields, bool optionalBody,
        Func<SubscriberId, string, JsonElement, Dictionary<string, string[]>, ISubscriberCommand?> build, CancellationToken ct)
    {
        if (!SubscriberId.IsValid(id)) return InvalidId("id", id, "subscriber");
        var (key, keyError) = IdempotencyKey(request);
        if (keyError is not null) return keyError;
        var body = EmptyObject;
        if (!optionalBody || request.ContentLength > 0 || request.ContentType is not null)
        {
            (body, var error) = await JsonBody.ReadAsync(request, ct);
            if (error is not null) return error;
        }

        var errors = new Dictionary<string, string[]>();
        JsonBody.RejectUnknown(body, fields, errors);
        var command = build(new SubscriberId(id), key!, body, errors);
        if (errors.Count > 0 || command is null) return Results.ValidationProblem(errors);
        return await Send(request, command, created: false, ct);
    }

    private static Task<IResult> Send(HttpRequest request, ISubscriberCommand command, bool created, CancellationToken ct) =>
        Guard(async () => await request.HttpContext.RequestServices.GetRequiredService<ISubscriberService>().ExecuteAsync(command, ct) switch
        {
            SubscriberReceipt r => Receipt(request, r.SubscriberId.Value, r.Version, r.At, r.Replayed,
                created ? $"{Route}/subscribers/{r.SubscriberId}" : null),
            SubscriberRejected r => Rejected(r.Reason, r.Message),
            var other => Unexpected(other),
        });

    private static Task<IResult> Read(string id, ISubscriberService service, Func<SubscriberView, IResult> found, CancellationToken ct) =>
        Read(id, service, v => Task.FromResult(found(v)), ct);

    private static async Task<IResult> Read(string id, ISubscriberService service, Func<SubscriberView, Task<IResult>> found, CancellationToken ct) =>
        !SubscriberId.IsValid(id)
            ? InvalidId("id", id, "subscriber")
            : await Guard(async () => await service.GetAsync(new SubscriberId(id), ct) switch
            {
                SubscriberView v => await found(v),
                SubscriberRejected r => Rejected(r.Reason, r.Message),
                var other => Unexpected(other),
            });

    /// <summary>The same body for the first answer and every retry; only the <see cref="ReplayedHeader"/> tells them apart.</summary>
    private static IResult Receipt(HttpRequest request, string id, long version, DateTimeOffset at, bool replayed, string? location = null)
    {
        if (replayed) request.HttpContext.Response.Headers[ReplayedHeader] = "true";
        var receipt = new BossReceipt(id, version, at);
        return location is null ? Results.Ok(receipt) : Results.Created(location, receipt);
    }

    internal static (string? Key, IResult? Error) IdempotencyKey(HttpRequest request)
    {
        var values = request.Headers[BossSignature.IdempotencyHeader];
        if (values.Count == 0 || string.IsNullOrEmpty(values.ToString()))
            return (null, Problem(StatusCodes.Status400BadRequest, "Idempotency-Key required", "every BOSS mutation needs an Idempotency-Key header (1-100 visible ASCII characters, e.g. a UUID)"));
        if (values.Count > 1 || !IdempotencyLog.IsValidKey(values.ToString()))
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", "send one Idempotency-Key of 1-100 visible ASCII characters"));
        return (values.ToString(), null);
    }

    /// <summary>An optional password (8-128 characters) and PIN (4-8 digits), checked but not yet hashed.</summary>
    private static (string? Password, string? Pin) ReadCredentials(JsonElement body, Dictionary<string, string[]> errors)
    {
        var password = JsonBody.OptionalString(body, "password", errors, "a string");
        if (password is not null && CredentialHash.PasswordProblem(password) is { } badPassword) errors["password"] = [badPassword];
        var pin = JsonBody.OptionalString(body, "pin", errors, "a string of digits");
        if (pin is not null && CredentialHash.PinProblem(pin) is { } badPin) errors["pin"] = [badPin];
        return (password, pin);
    }

    /// <summary>PBKDF2 on the request's thread, never in the entity: the plaintext goes no further than here.</summary>
    private static CredentialHash? Hash(string? secret) => secret is null ? null : CredentialHash.Create(secret);

    private static ProductDefinition? ReadProduct(JsonElement body, Dictionary<string, string[]> errors)
    {
        JsonBody.RejectUnknown(body, ProductFields, errors);
        var kindText = JsonBody.RequiredString(body, "kind", errors);
        ProductKind kind = default;
        if (kindText is not null && !TryEnum(kindText, out kind)) errors["kind"] = ["kind must be package, svod or tvod"];
        var name = JsonBody.RequiredString(body, "name", errors);
        long price = 0;
        if (!body.TryGetProperty("price", out var p) || p.ValueKind == JsonValueKind.Null) errors["price"] = ["price is required (minor units, e.g. 3000 for 30.00)"];
        else if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt64(out price)) errors["price"] = ["price must be an integer number of minor units"];
        var currency = JsonBody.RequiredString(body, "currency", errors);
        var channels = Strings(body, "channels", errors);
        var packs = Strings(body, "vodPacks", errors);
        var title = JsonBody.OptionalString(body, "titleId", errors, "a string");
        var validity = JsonBody.OptionalInt(body, "validityHours", errors);
        if (errors.Count > 0) return null;
        foreach (var (c, i) in channels.Select((c, i) => (c, i)))
        {
            if (!ChannelId.IsValid(c)) errors[$"channels[{i}]"] = [$"'{Truncate(c)}' is not a channel id"];
        }

        return errors.Count > 0
            ? null
            : new ProductDefinition(kind, name!, price, currency!) { Channels = channels.Select(c => new ChannelId(c)).ToList(), VodPacks = packs, TitleId = title, ValidityHours = validity };
    }

    private static List<string> Strings(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors[name] = [$"{name} must be an array of strings"];
            return [];
        }

        var items = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) items.Add(item.GetString()!);
            else errors[$"{name}[{i}]"] = [$"{name}[{i}] must be a string"];
            i++;
        }

        return items;
    }

    /// <summary>A kind by its name in any case; numbers are not names.</summary>
    private static bool TryEnum<T>(string text, out T value) where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsAsciiDigit);

    internal static DateTimeOffset? QueryTime(string text) =>
        text.Length is > 0 and <= 12 && text.All(char.IsAsciiDigit) && long.TryParse(text, CultureInfo.InvariantCulture, out var unix) && unix < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : JsonBody.ParseTime(text);

    internal static IResult Rejected(SubscriberRejection reason, string message) => reason switch
    {
        SubscriberRejection.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", message),
        SubscriberRejection.AlreadyExists => Problem(StatusCodes.Status409Conflict, "Subscriber already exists", message),
        SubscriberRejection.Conflict => Problem(StatusCodes.Status409Conflict, "Conflict with the account's state", message),
        SubscriberRejection.IdempotencyMismatch => Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused", message),
        _ => Problem(StatusCodes.Status400BadRequest, "Invalid request", message),
    };

    internal static IResult Unexpected(object reply) =>
        Problem(StatusCodes.Status500InternalServerError, "Unexpected reply", $"unexpected reply {reply.GetType().Name}");

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    internal static IResult Invalid(string field, string message) => Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    internal static IResult InvalidId(string field, string value, string what) =>
        Invalid(field, $"'{Truncate(value)}' is not a {what} id: 1-64 lower-case letters, digits or dashes");

    /// <summary>The cluster not answering in time is a 503 the client may retry (with the same Idempotency-Key), not a 500.</summary>
    internal static Task<IResult> Guard(Func<Task<IResult>> action) =>
        ClusterTimeout.GuardAsync(action, "Subscriber service unavailable", "the subscriber service did not answer in time; retry later with the same Idempotency-Key");

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>What a BOSS mutation answers: the resource, the version its request brought it to, and when.</summary>
public sealed record BossReceipt(string Id, long Version, DateTimeOffset At);

/// <summary>A product as the BOSS API shows it.</summary>
public sealed record ProductDto(string Id, string Kind, string Name, long Price, string Currency, IReadOnlyList<string> Channels, IReadOnlyList<string> VodPacks,
    string? TitleId, int? ValidityHours, long Version, DateTimeOffset DefinedAt)
{
    public static ProductDto Of(Product p) => new(p.ProductId.Value, Lower(p.Definition.Kind), p.Definition.Name, p.Definition.Price, p.Definition.Currency,
        p.Definition.Channels.Select(c => c.Value).ToList(), p.Definition.VodPacks, p.Definition.TitleId, p.Definition.ValidityHours, p.Version, p.DefinedAt);

    internal static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>A device as the BOSS API shows it.</summary>
public sealed record DeviceDto(string Id, string Kind, string? Mac, string? Serial, string? Name, DateTimeOffset RegisteredAt)
{
    public static DeviceDto Of(Device d) => new(d.DeviceId, ProductDto.Lower(d.Kind), d.Mac, d.Serial, d.Name, d.RegisteredAt);
}

/// <summary>An order as the BOSS API shows it, with the product as ordered and whether it is in force now.</summary>
public sealed record OrderDto(string ProductId, string Kind, string Name, long Price, string Currency, DateTimeOffset From, DateTimeOffset? Until,
    DateTimeOffset OrderedAt, DateTimeOffset? CancelledAt, bool Active)
{
    public static OrderDto Of(Order o, DateTimeOffset now) => new(o.ProductId.Value, ProductDto.Lower(o.Product.Kind), o.Product.Name, o.Product.Price,
        o.Product.Currency, o.From, o.Until, o.OrderedAt, o.CancelledAt, o.ActiveAt(now));
}

/// <summary>An account as the BOSS API shows it; <c>products</c> are the ids of the products in force now.</summary>
public sealed record SubscriberDto(string Id, string Name, string Status, string? StatusReason, int DeviceLimit, int StreamLimit, IReadOnlyList<DeviceDto> Devices,
    IReadOnlyList<string> Products, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SubscriberDto Of(SubscriberView v, DateTimeOffset now) => new(v.SubscriberId.Value, v.Name, ProductDto.Lower(v.Status), v.StatusReason,
        v.Limits.Devices, v.Limits.Streams, v.Devices.Select(DeviceDto.Of).ToList(),
        v.Orders.Where(o => o.ActiveAt(now)).Select(o => o.ProductId.Value).Distinct().ToList(), v.Version, v.CreatedAt, v.UpdatedAt);
}

/// <summary>An account's usage: every order ever placed, the devices, and its active playback sessions.</summary>
public sealed record UsageDto(string Id, string Status, IReadOnlyList<OrderDto> Orders, IReadOnlyList<DeviceDto> Devices, IReadOnlyList<SessionDto> Sessions, long Version)
{
    public static UsageDto Of(SubscriberView v, DateTimeOffset now, IReadOnlyList<SessionDto> sessions) => new(v.SubscriberId.Value, ProductDto.Lower(v.Status),
        v.Orders.Select(o => OrderDto.Of(o, now)).ToList(), v.Devices.Select(DeviceDto.Of).ToList(), sessions, v.Version);
}

/// <summary>The answer to "may this subscriber watch this channel at this instant"; <c>denial</c> is null when allowed.</summary>
public sealed record AuthorizationDto(string Subscriber, string Channel, DateTimeOffset At, bool Allowed, string? Denial, string? Via, int StreamLimit)
{
    public static AuthorizationDto Of(Authorization a) => new(a.SubscriberId.Value, a.ChannelId.Value, a.At, a.Allowed, a.Denial switch
    {
        null => null,
        AuthorizationDenial.UnknownSubscriber => "unknown-subscriber",
        AuthorizationDenial.NotEntitled => "not-entitled",
        var d => ProductDto.Lower(d.Value),
    }, a.Via?.Value, a.StreamLimit);
}
