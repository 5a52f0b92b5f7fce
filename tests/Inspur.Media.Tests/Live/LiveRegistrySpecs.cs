using Inspur.Media.Live;

namespace Inspur.Media.Tests.Live;

public sealed class LiveRegistrySpecs
{
    private static LiveRendition MainRendition() => new("main", TimeSpan.FromSeconds(2), null);

    [Fact]
    public void A_replaced_pipeline_cannot_take_its_successor_off_the_air()
    {
        var registry = new LiveRegistry();
        var old = MainRendition();
        var successor = MainRendition();
        registry.Publish("news", old);
        registry.Publish("news", successor);

        registry.Remove("news", old);

        Assert.True(registry.TryGet("news", "main", out var live));
        Assert.Same(successor, live);
        registry.Remove("news", successor);
        Assert.False(registry.TryGet("news", "main", out _));
        Assert.Empty(registry.Channels);
    }

    [Fact]
    public void Renditions_are_listed_by_name_and_removing_one_keeps_the_others()
    {
        var registry = new LiveRegistry();
        var high = new LiveRendition("720p", TimeSpan.FromSeconds(2), null);
        var low = new LiveRendition("360p", TimeSpan.FromSeconds(2), null);
        registry.Publish("sport", high);
        registry.Publish("sport", low);

        registry.Remove("sport", high);

        Assert.Equal(["360p"], registry.Renditions("sport").Select(r => r.Name));
        Assert.Empty(registry.Renditions("nothing"));
    }

    /// <summary>
    /// The race a restarted demo channel met: the old pipeline removes its rendition (emptying the channel's map) on
    /// one thread while its successor publishes on another; the successor must stay on the air every time.
    /// </summary>
    [Fact]
    public async Task A_successor_published_while_its_predecessor_is_removed_stays_on_the_air()
    {
        var registry = new LiveRegistry();
        for (var i = 0; i < 20_000; i++)
        {
            var old = MainRendition();
            var successor = MainRendition();
            registry.Publish("news", old);
            using var go = new Barrier(2);
            var removing = Task.Run(() =>
            {
                go.SignalAndWait();
                registry.Remove("news", old);
            });
            var publishing = Task.Run(() =>
            {
                go.SignalAndWait();
                registry.Publish("news", successor);
            });
            await Task.WhenAll(removing, publishing);

            Assert.True(registry.TryGet("news", "main", out var live), $"off the air after round {i}");
            Assert.Same(successor, live);
            registry.Remove("news", successor);
        }
    }
}
