using Microsoft.Playwright;

namespace Inspur.Web.Tests;

/// <summary>Launches Debian's Chromium (never a downloaded browser) headless, allowed to autoplay, as every browser spec does.</summary>
public static class DebianChromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--autoplay-policy=no-user-gesture-required"],
    });
}
