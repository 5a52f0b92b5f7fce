using Inspur.Host.Protection;
using Inspur.Media.Protection;
using Akka.Hosting;
using Inspur.Actors.Billing;
using Inspur.Actors.Channels;
using Inspur.Actors.Configuration;
using Inspur.Actors.Recordings;
using Inspur.Actors.Sessions;
using Inspur.Actors.Subscribers;
using Inspur.Media.Live;
using Inspur.Host.Admin;
using Inspur.Host.Api;
using Inspur.Host.Archive;
using Inspur.Host.Auth;
using Inspur.Host.Boss;
using Inspur.Host.Delivery;
using Inspur.Host.Demo;
using Inspur.Host.Health;
using Inspur.Host.Logging;
using Inspur.Host.Ops;
using Inspur.Host.Recordings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Prometheus;
using Serilog;
using Serilog.Formatting.Compact;

namespace Inspur.Host;

/// <summary>The composition root of a node: configuration, Akka by role, REST, admin, ops endpoint, health and metrics.</summary>
public static class InspurHost
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        var settings = NodeSettingsReader.Read(builder.Configuration);
        var hoconDir = builder.Configuration["Inspur:HoconDir"] ?? Path.Combine(AppContext.BaseDirectory, "hocon");
        var akkaConfig = InspurAkkaConfig.Build(settings, hoconDir);
        var roles = InspurAkkaConfig.Roles(akkaConfig);
        var playback = PlaybackSettings.Read(builder.Configuration);

        builder.Host.UseSerilog((context, logger) =>
        {
            logger.ReadFrom.Configuration(context.Configuration).Enrich.FromLogContext();
            if (context.Configuration.GetValue<bool>("Inspur:Logging:Json")) logger.WriteTo.Console(new CompactJsonFormatter());
            else logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        });

        builder.Services.AddAkka(settings.ActorSystemName, (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<AkkaSerilogLogger>();
            });
            akka.WithInspurNode(akkaConfig).WithChannelActors(roles).WithEpgActors(roles).WithRecordingActors(roles).WithSessionActors(roles, playback.Sessions).WithSubscriberActors(roles)
                .WithBillingActors(roles).WithActivationActors(roles, AuthSettings.MaxActivationLifetime);
        });

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IChannelService, ChannelService>();
        builder.Services.AddInspurEpg();
        builder.Services.AddSingleton(OpsEndpointSettings.Read(builder.Configuration));
        builder.Services.AddSingleton<OpsCommands>();
        builder.Services.AddHostedService<OpsEndpoint>();
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddSingleton<ClusterMetrics>();
        builder.Services.AddSingleton<LiveRegistry>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(ArchiveSettings.Read(builder.Configuration, Path.GetFullPath(settings.DataDir)));
        builder.Services.AddSingleton<NodeArchive>();
        builder.Services.AddHostedService<ArchiveKeeper>();
        builder.Services.AddSingleton(sp => ProtectionSettings.Read(builder.Configuration, Path.GetFullPath(settings.DataDir),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProtectionSettings))));
        builder.Services.AddSingleton<ILivePipelines, LivePipelines>();
        builder.Services.AddSingleton(RecordingSettings.Read(builder.Configuration, Path.GetFullPath(settings.DataDir)));
        builder.Services.AddSingleton<IRecordingExporter, RecordingExporter>();
        builder.Services.AddInspurRecordings();
        builder.Services.AddSingleton(playback);
        builder.Services.AddInspurSessions(playback.Sessions);
        builder.Services.AddSingleton<PlaybackUrls>();
        builder.Services.AddInspurRateLimits(RateLimitSettings.Read(builder.Configuration));
        builder.Services.AddSingleton(AuthSettings.Read(builder.Configuration));
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddInspurSubscribers();
        builder.Services.AddInspurActivation();
        builder.Services.AddSingleton(BossSettings.Read(builder.Configuration));
        builder.Services.AddSingleton<BossAuthenticator>();
        builder.Services.AddInspurBilling<BossBillingClient>(BillingSettingsReader.Read(builder.Configuration));
        builder.Services.AddSingleton(DemoSettings.Read(builder.Configuration));
        builder.Services.AddHostedService<DemoChannels>();
        builder.Services.AddProblemDetails();
        builder.Services.AddInspurOpenApi();
        // Enums (a channel's phase) go out as their names, which clients can read without our source.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.AddInspurAdmin();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, error) =>
            error is not null || (context.Response.StatusCode >= 500 && !HealthEndpoints.IsProbe(context.Request.Path))
                ? Serilog.Events.LogEventLevel.Error
                : HealthEndpoints.IsProbe(context.Request.Path) ? Serilog.Events.LogEventLevel.Debug : Serilog.Events.LogEventLevel.Information);
        // Limits count per playback token (or access token), so they come before the gate rewrites /p/{token}/… to the
        // plain route, which it does before routing sees the path.
        app.UseRateLimiter();
        app.UsePlaybackGate();
        app.UseRouting();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseHttpMetrics();
        app.UseAntiforgery();

        app.MapChannelApi();
        app.MapEpgApi();
        app.MapRecordingApi();
        app.MapSessionApi();
        app.MapPlaybackApi();
        app.MapBossApi();
        app.MapBillingApi();
        app.MapAuthApi();
        app.MapActivationApi();
        app.MapInspurAdmin();
        app.MapLiveDelivery();
        app.MapTimeShiftDelivery();
        app.MapHealth();
        app.MapOpenApi();
        app.Services.GetRequiredService<ClusterMetrics>().Register();
        app.Services.GetRequiredService<ContentKeys>(); // a bad protection setting stops the node at start, not at the first encrypted channel
        app.MapMetrics("/metrics");

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (playback.EphemeralKeys)
                app.Logger.LogWarning("no Inspur:Playback:Keys configured: playback tokens are signed with a random key valid on this node until it stops");
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            foreach (var address in addresses ?? [])
                Console.WriteLine($"Inspur.Akka node is up: open {address}/ (roles: {string.Join(",", roles)})");
        });
        return app;
    }
}

/// <summary>Reads <see cref="InspurNodeSettings"/> from the <c>Inspur</c> section; lists may be arrays or comma-separated strings.</summary>
public static class NodeSettingsReader
{
    public static InspurNodeSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Inspur");
        var defaults = new InspurNodeSettings();
        return new InspurNodeSettings
        {
            Host = section["Host"],
            Port = section["Port"] is { } port
                ? int.TryParse(port, out var p) && p is >= 0 and <= 65535 ? p : throw new InvalidOperationException($"Inspur:Port '{port}' is not a port number")
                : null,
            Roles = List(section, "Roles"),
            SeedNodes = List(section, "SeedNodes"),
            StableAfter = section["StableAfter"],
            DataDir = section["DataDir"] ?? defaults.DataDir,
            Postgres = string.IsNullOrWhiteSpace(section["Postgres"]) ? null : section["Postgres"],
            Hocon = section["Hocon"],
        };
    }

    private static IReadOnlyList<string>? List(IConfigurationSection section, string key)
    {
        var child = section.GetSection(key);
        if (child.Value is { } flat)
            return flat.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var items = child.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        return items.Count == 0 ? null : items;
    }
}
