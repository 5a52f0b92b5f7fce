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
}
