using System.Globalization;
using System.Text;
using Inspur.Domain.Sessions;

namespace Inspur.Host.Tests;

/// <summary>
/// A traversal corpus fired byte for byte (a raw socket, not HttpClient) at every file-serving route of a real node whose
/// data folder holds a sentinel file outside the media roots: no answer carries the sentinel, and every one is a 4xx.
/// </summary>
[Collection(PlaybackNodeCollection.Name)]
public sealed class TraversalSpecs(PlaybackNodeFixture fixture)
{
    /// <summary>Ways to say "go up" or "start over at the root" that servers and file APIs have been fooled by.</summary>
    private static IEnumerable<string> Corpus(string sentinelPath)
    {
        var name = Path.GetFileName(sentinelPath);
        string[] ups = ["../", "..%2f", "..%2F", "%2e%2e/", "%2E%2e%2F", "%2e%2e%2f", ".%2e/", "..\\", "..%5c", "..%5C", "%252e%252e%252f", "%252e%252e/",
            "%c0%ae%c0%ae/", "%c0%ae%c0%ae%c0%af", "%e0%80%ae%e0%80%ae/", "....//", "...//", "..;/", "%2e%2e%5c", "..%00/", "..%u2215", "%uff0e%uff0e/"];
        foreach (var up in ups)
        {
            foreach (var depth in new[] { 1, 3, 5, 8 })
                yield return string.Concat(Enumerable.Repeat(up, depth)) + name;
        }

        var absolute = sentinelPath.TrimStart('/');
        yield return "/" + absolute;
        yield return "%2f" + absolute.Replace("/", "%2f");
        yield return "%2F" + absolute.Replace("/", "%2F");
        yield return "//" + absolute;
        yield return "%5c" + absolute.Replace("/", "%5c");
        yield return "file:%2f%2f%2f" + absolute.Replace("/", "%2f");
        yield return "~%2f" + name;
        yield return name + "%00.ts";
        yield return "%00";
        yield return "1.ts%00" + name;
        yield return "etc%2fpasswd";
        yield return new string('a', 4000) + ".ts";
        yield return string.Concat(Enumerable.Repeat("../", 600)) + name;
        yield return string.Concat(Enumerable.Repeat("%2e%2e%2f", 300)) + name;
    }

    /// <summary>Every route that answers with file or media bytes, with <c>{x}</c> where the attack goes.</summary>
    private IEnumerable<string> Routes()
    {
        const string channel = PlaybackNodeFixture.Channel;
        var archived = fixture.ArchivedSegment.Split('/');
        var (day, hour) = (archived[0], archived[1]);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var live = fixture.Token("ses-traversal");
        var archive = fixture.Token("ses-traversal", ContentKind.Archive);
        return
        [
            "/{x}",
            "/lib/{x}",
            $"/live/{channel}/main/{{x}}",
            $"/live/{channel}/{{x}}/index.m3u8",
            $"/live/{channel}/{{x}}",
            "/live/{x}/master.m3u8",
            $"/archive/{channel}/main/{day}/{hour}/{{x}}",
            $"/archive/{channel}/main/{day}/{{x}}/{archived[2]}",
            $"/archive/{channel}/main/{{x}}/{hour}/{archived[2]}",
            $"/archive/{channel}/{{x}}/{day}/{hour}/{archived[2]}",
            $"/archive/{channel}/main/{{x}}",
            $"/archive/{channel}/{{x}}/index.m3u8?start={now}&duration=10",
            "/archive/{x}/main/timeshift.m3u8?offset=5",
            $"/archive/{channel}/main/catchup/{{x}}",
            $"/archive/{channel}/main/catchup/{{x}}.m3u8",
            "/recordings/{x}/index.m3u8",
            "/recordings/rec-nothing/{x}",
            $"/p/{live}/live/{channel}/main/{{x}}",
            $"/p/{live}/live/{channel}/{{x}}",
            $"/p/{archive}/archive/{channel}/main/{day}/{hour}/{{x}}",
            $"/p/{archive}/archive/{channel}/main/{{x}}",
            $"/p/{{x}}/live/{channel}/main/1.ts",
            $"/p/{live}/{{x}}",
        ];
    }

    [Fact]
    public async Task No_traversal_ever_returns_the_sentinel_and_every_attempt_is_a_4xx()
    {
        var sentinel = Encoding.UTF8.GetBytes(fixture.Sentinel);
        var node = new Uri(fixture.Node.HttpUrl);
        var failures = new List<string>();
        var tried = 0;
        foreach (var route in Routes())
        {
            foreach (var attack in Corpus(fixture.SentinelPath))
            {
                var target = route.Replace("{x}", attack);
                var (status, _, body) = await RawHttp.GetAsync(node.Host, node.Port, target);
                tried++;
                if (body.AsSpan().IndexOf(sentinel) >= 0) failures.Add($"{target[..Math.Min(target.Length, 200)]}: {status} WITH THE SENTINEL");
                else if (status is not (400 or 403 or 404)) failures.Add($"{target[..Math.Min(target.Length, 200)]}: {status}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} attempts answered wrongly:\n{string.Join('\n', failures.Take(60))}");
        Assert.True(tried > 1500, $"only {tried} attempts");
    }

    [Fact]
    public async Task The_routes_under_attack_do_serve_their_real_files()
    {
        // The corpus is meaningful only if the same routes answer 200 to honest requests.
        var node = new Uri(fixture.Node.HttpUrl);
        var live = fixture.Token("ses-traversal");
        var archive = fixture.Token("ses-traversal", ContentKind.Archive);
        foreach (var target in new[]
                 {
                     $"/archive/{PlaybackNodeFixture.Channel}/main/{fixture.ArchivedSegment}",
                     $"/p/{archive}/archive/{PlaybackNodeFixture.Channel}/main/{fixture.ArchivedSegment}",
                     $"/p/{live}/live/{PlaybackNodeFixture.Channel}/main/index.m3u8",
                     $"/live/{PlaybackNodeFixture.Channel}/main/index.m3u8",
                 })
        {
            var (status, _, body) = await RawHttp.GetAsync(node.Host, node.Port, target);
            Assert.True(status == 200 && body.Length > 0, $"{target}: {status}");
        }
    }
}
