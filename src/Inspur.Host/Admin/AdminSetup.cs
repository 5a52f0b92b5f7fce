namespace Inspur.Host.Admin;

/// <summary>Wires the Blazor Server back office (<c>/admin</c>) into the node, so the composition root only calls two methods.</summary>
public static class AdminSetup
{
    public static WebApplicationBuilder AddInspurAdmin(this WebApplicationBuilder builder)
    {
        // Run from a build (./build.sh run, the specs) the Blazor script lives in the NuGet cache, listed by the static web
        // assets manifest that ASP.NET Core reads only in Development by default; a published node has it in wwwroot.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSingleton<ChannelBoardReader>();
        builder.Services.AddSingleton<ArchiveBoardReader>();
        builder.Services.AddSingleton<EpgBoardReader>();
        builder.Services.AddSingleton<SubscriberBoardReader>();
        return builder;
    }

    public static IEndpointRouteBuilder MapInspurAdmin(this IEndpointRouteBuilder app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
