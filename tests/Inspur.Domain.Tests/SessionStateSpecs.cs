using Inspur.Domain.Channels;
using Inspur.Domain.Sessions;
using static Inspur.Domain.Sessions.SessionCommands;
using static Inspur.Domain.Sessions.SessionEvents;

namespace Inspur.Domain.Tests;

/// <summary>The session's rules without an actor: start, pause, resume, seek, rate, end, and where the position is meanwhile.</summary>
public sealed class SessionStateSpecs
{
    private static readonly SessionId Id = new("ses-1");
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly SessionStart Live = new("acct-1", "stb-1", PlaybackContent.Live(new ChannelId("cctv-1")));
    private static readonly SessionStart Archive = Live with { Content = PlaybackContent.Archive(new ChannelId("cctv-1")) };

    private static SessionState Run(SessionState state, ISessionCommand command, DateTimeOffset at)
    {
        var (events, rejection) = state.Process(command, at);
        Assert.Null(rejection);
        return events.Aggregate(state, (s, e) => s.Apply(e));
    }

    private static SessionState Started(SessionStart start, SessionPosition position) =>
        Run(SessionState.Empty(Id), new StartSession(Id, start, position), T0);

    private static SessionRejection? Rejection(SessionState state, ISessionCommand command, DateTimeOffset? at = null) =>
        state.Process(command, at ?? T0.AddSeconds(1)).Rejection?.Reason;

    [Fact]
    public void A_started_session_plays_and_its_view_says_who_watches_what()
    {
        var state = Started(Live, SessionPosition.LiveEdge);

        var view = state.View(T0.AddSeconds(30), lastSeen: T0.AddSeconds(29))!;
        Assert.Equal((SessionPhase.Playing, Live, 1L, 1.0), (view.Phase, view.Start, view.Version, view.Rate));
        Assert.Equal(SessionPosition.LiveEdge, view.Position);
        Assert.Equal(T0.AddSeconds(29), view.LastSeen);
    }

    [Fact]
    public void Paused_live_falls_behind_the_edge_and_resumes_from_there()
    {
        var paused = Run(Started(Live, SessionPosition.LiveEdge), new PauseSession(Id), T0.AddSeconds(10));

        Assert.Equal(SessionPhase.Paused, paused.Phase);
        Assert.Equal(TimeSpan.FromSeconds(20), paused.PositionNow(T0.AddSeconds(30)).BehindLive);
        var resumed = Run(paused, new ResumeSession(Id), T0.AddSeconds(30));
        Assert.Equal(SessionPhase.Playing, resumed.Phase);
        Assert.Equal(TimeSpan.FromSeconds(20), resumed.PositionNow(T0.AddSeconds(90)).BehindLive);
        Assert.Equal(SessionState.MaxBehindLive, paused.PositionNow(T0.AddHours(5)).BehindLive);
    }

    [Fact]
    public void Archive_positions_move_at_the_rate_fast_forward_and_rewind_included()
    {
        var programme = T0.AddHours(-2);
        var state = Started(Archive, SessionPosition.Archive(programme));

        Assert.Equal(programme.AddSeconds(10), state.PositionNow(T0.AddSeconds(10)).At);
        var fast = Run(state, new SetSessionRate(Id, 4), T0.AddSeconds(10));
        Assert.Equal(programme.AddSeconds(10 + 40), fast.PositionNow(T0.AddSeconds(20)).At);
        var back = Run(fast, new SetSessionRate(Id, -2), T0.AddSeconds(20));
        Assert.Equal(programme.AddSeconds(50 - 20), back.PositionNow(T0.AddSeconds(30)).At);
        var sought = Run(back, new SeekSession(Id, SessionPosition.Archive(programme.AddMinutes(30))), T0.AddSeconds(30));
        Assert.Equal(programme.AddMinutes(30), sought.PositionNow(T0.AddSeconds(30)).At);
        Assert.Equal(-2, sought.Rate);
    }

    [Fact]
    public void Fast_forward_on_live_stops_at_the_edge()
    {
        var behind = Started(Live, SessionPosition.Live(TimeSpan.FromSeconds(60)));

        var fast = Run(behind, new SetSessionRate(Id, 2), T0);

        Assert.Equal(TimeSpan.FromSeconds(30), fast.PositionNow(T0.AddSeconds(30)).BehindLive);
        Assert.Equal(TimeSpan.Zero, fast.PositionNow(T0.AddMinutes(5)).BehindLive);
    }

    [Fact]
    public void Repeating_a_pause_resume_rate_or_start_changes_nothing()
    {
        var state = Started(Live, SessionPosition.LiveEdge);
        var paused = Run(state, new PauseSession(Id), T0);

        Assert.Empty(paused.Process(new PauseSession(Id), T0).Events);
        Assert.Empty(state.Process(new ResumeSession(Id), T0).Events);
        Assert.Empty(state.Process(new SetSessionRate(Id, 1), T0).Events);
        Assert.Empty(state.Process(new StartSession(Id, Live, SessionPosition.LiveEdge), T0).Events);
        Assert.Equal(SessionRejection.AlreadyExists, Rejection(state, new StartSession(Id, Live with { DeviceId = "other" }, SessionPosition.LiveEdge)));
    }

    [Fact]
    public void An_ended_session_refuses_everything_and_keeps_its_reason()
    {
        var ended = Run(Started(Live, SessionPosition.LiveEdge), new EndSession(Id, SessionEndReason.Kicked), T0.AddSeconds(5));

        Assert.Equal((SessionPhase.Ended, SessionEndReason.Kicked), (ended.Phase, ended.EndReason));
        Assert.False(ended.Active);
        foreach (var command in new ISessionCommand[]
                 {
                     new PauseSession(Id), new ResumeSession(Id), new SeekSession(Id, SessionPosition.LiveEdge), new SetSessionRate(Id, 2),
                     new EndSession(Id, SessionEndReason.Stopped), new StartSession(Id, Live, SessionPosition.LiveEdge),
                 })
            Assert.NotNull(Rejection(ended, command));
        Assert.Equal(SessionRejection.Ended, Rejection(ended, new PauseSession(Id)));
        Assert.Equal(ended.Position, ended.PositionNow(T0.AddHours(1)));
    }

    [Fact]
    public void Commands_for_a_session_never_started_are_not_found()
    {
        var empty = SessionState.Empty(Id);

        Assert.Equal(SessionRejection.NotFound, Rejection(empty, new PauseSession(Id)));
        Assert.Equal(SessionRejection.NotFound, Rejection(empty, new EndSession(Id, SessionEndReason.Idle)));
        Assert.Null(empty.View(T0));
        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new PauseSession(new SessionId("ses-2"))));
    }

    [Fact]
    public void Positions_that_do_not_fit_the_content_are_invalid()
    {
        var live = Started(Live, SessionPosition.LiveEdge);
        var archive = Started(Archive, SessionPosition.Archive(T0.AddHours(-1)));

        Assert.Equal(SessionRejection.Invalid, Rejection(live, new SeekSession(Id, SessionPosition.Archive(T0))));
        Assert.Equal(SessionRejection.Invalid, Rejection(live, new SeekSession(Id, SessionPosition.Live(TimeSpan.FromSeconds(-1)))));
        Assert.Equal(SessionRejection.Invalid, Rejection(live, new SeekSession(Id, SessionPosition.Live(SessionState.MaxBehindLive + TimeSpan.FromSeconds(1)))));
        Assert.Equal(SessionRejection.Invalid, Rejection(live, new SeekSession(Id, new SessionPosition(TimeSpan.Zero, T0))));
        Assert.Equal(SessionRejection.Invalid, Rejection(live, new SeekSession(Id, new SessionPosition(null, null))));
        Assert.Equal(SessionRejection.Invalid, Rejection(archive, new SeekSession(Id, SessionPosition.LiveEdge)));
        Assert.Equal(SessionRejection.Invalid, Rejection(archive, new SeekSession(Id, SessionPosition.Archive(T0.AddHours(1)))));
        foreach (var rate in new[] { 0, double.NaN, double.PositiveInfinity, 65, -65 })
            Assert.Equal(SessionRejection.Invalid, Rejection(live, new SetSessionRate(Id, rate)));
    }

    [Fact]
    public void Starts_with_bad_parties_content_or_position_are_invalid()
    {
        var empty = SessionState.Empty(Id);

        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new StartSession(Id, Live with { SubscriberId = "" }, SessionPosition.LiveEdge)));
        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new StartSession(Id, Live with { DeviceId = "a/b" }, SessionPosition.LiveEdge)));
        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new StartSession(Id, Live with { Content = new PlaybackContent(ContentKind.Vod, "t") }, SessionPosition.LiveEdge)));
        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new StartSession(Id, Live with { Content = new PlaybackContent(ContentKind.Live, "A B") }, SessionPosition.LiveEdge)));
        Assert.Equal(SessionRejection.Invalid, Rejection(empty, new StartSession(Id, Archive, SessionPosition.LiveEdge)));
    }

    [Fact]
    public void Ending_records_where_it_ended()
    {
        var state = Started(Archive, SessionPosition.Archive(T0.AddHours(-1)));

        var (events, _) = state.Process(new EndSession(Id, SessionEndReason.Idle), T0.AddMinutes(1));

        var ended = Assert.IsType<SessionEnded>(Assert.Single(events));
        Assert.Equal(T0.AddHours(-1).AddMinutes(1), ended.Position.At);
        Assert.Equal(SessionEndReason.Idle, ended.Reason);
    }
}
