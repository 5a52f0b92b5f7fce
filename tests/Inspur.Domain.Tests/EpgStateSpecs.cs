using Inspur.Domain.Channels;
using Inspur.Domain.Epg;
using static Inspur.Domain.Epg.EpgCommands;
using static Inspur.Domain.Epg.EpgEvents;

namespace Inspur.Domain.Tests;

public sealed class EpgStateSpecs
{
    private static readonly ChannelId Id = new("cctv-1");
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static Programme P(int startHour, int hours, string title, ChannelId? channel = null) =>
        new(channel ?? Id, Day.AddHours(startHour), Day.AddHours(startHour + hours), title);

    private static ImportProgrammes Import(params Programme[] programmes) => new(Id, programmes, "upload", Day);

    private static EpgState Imported(params Programme[] programmes)
    {
        var (events, rejection) = EpgState.Empty(Id).Process(Import(programmes));
        Assert.Null(rejection);
        return events.Aggregate(EpgState.Empty(Id), (s, e) => s.Apply(e));
    }

    [Fact]
    public void An_import_is_one_event_spanning_its_programmes()
    {
        var (events, rejection) = EpgState.Empty(Id).Process(Import(P(10, 1, "B"), P(8, 2, "A")));

        Assert.Null(rejection);
        var imported = Assert.IsType<ProgrammesImported>(Assert.Single(events));
        Assert.Equal((Day.AddHours(8), Day.AddHours(11)), (imported.From, imported.To));
        Assert.Equal(["A", "B"], imported.Programmes.Select(p => p.Title));
    }

    [Fact]
    public void Re_importing_the_same_programmes_is_no_event()
    {
        var state = Imported(P(8, 2, "A"), P(10, 1, "B"));

        var (events, rejection) = state.Process(Import(P(8, 2, "A"), P(10, 1, "B")) with { At = Day.AddMinutes(5) });

        Assert.Null(rejection);
        Assert.Empty(events);
    }

    [Fact]
    public void An_import_replaces_what_overlaps_its_span_and_keeps_the_rest()
    {
        var state = Imported(P(6, 2, "Early"), P(8, 2, "Old A"), P(10, 2, "Old B"), P(14, 1, "Late"));

        var (events, _) = state.Process(Import(P(9, 1, "New A"), P(10, 1, "New B")));
        state = state.Apply(events.Single());

        Assert.Equal(["Early", "New A", "New B", "Late"], state.Programmes.Select(p => p.Title));
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public void Programmes_of_another_channel_or_overlapping_ones_reject_the_whole_import()
    {
        var (events, rejection) = EpgState.Empty(Id).Process(Import(P(8, 1, "A"), P(9, 1, "B", new ChannelId("cctv-2"))));
        Assert.Empty(events);
        Assert.Contains("cctv-2", rejection!.Message);

        (events, rejection) = EpgState.Empty(Id).Process(Import(P(8, 2, "A"), P(9, 1, "B")));
        Assert.Empty(events);
        Assert.Contains("overlaps", rejection!.Message);
    }

    [Fact]
    public void Now_next_and_schedule_answer_from_the_programmes()
    {
        var state = Imported(P(8, 2, "A"), P(10, 1, "B"), P(12, 1, "C"), P(23, 2, "Across midnight"));

        var (now, next) = state.NowNext(Day.AddHours(9));
        Assert.Equal(("A", "B"), (now?.Title, next?.Title));
        (now, next) = state.NowNext(Day.AddHours(11.5));
        Assert.Equal((null, "C"), (now?.Title, next?.Title));
        (now, next) = state.NowNext(Day.AddHours(30));
        Assert.Equal((null, null), (now?.Title, next?.Title));

        var (from, to) = EpgState.Day(DateOnly.FromDateTime(Day.AddDays(1).UtcDateTime));
        Assert.Equal(["Across midnight"], state.Between(from, to).Select(p => p.Title));
        Assert.Equal("B", state.Find(Programme.IdFor(Id, Day.AddHours(10)))?.Title);
    }

    [Fact]
    public void Programmes_older_than_the_kept_days_are_purged_on_apply_and_not_imported_again()
    {
        var state = Imported(P(8, 1, "Old"));
        var later = Day.AddDays(EpgState.KeepDays).AddHours(10);

        var (events, _) = state.Process(new ImportProgrammes(Id, [new Programme(Id, later, later.AddHours(1), "New")], "upload", later));
        state = state.Apply(events.Single());
        Assert.Equal(["New"], state.Programmes.Select(p => p.Title));

        (events, _) = state.Process(new ImportProgrammes(Id, [P(8, 1, "Old")], "upload", later));
        Assert.Empty(events);
    }
}
