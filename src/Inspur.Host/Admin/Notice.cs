using Akka.Actor;
using Inspur.Actors.Channels;
using static Inspur.Domain.Channels.ChannelReplies;

namespace Inspur.Host.Admin;

/// <summary>What the last operator action came to, shown above the table until the next action.</summary>
public sealed record Notice(string Text, bool Error)
{
    /// <summary>Runs a channel command and says how it went: the server's rejection message, or that nobody answered.</summary>
    public static async Task<Notice> OfAsync(Func<Task<IChannelReply>> command, string done)
    {
        try
        {
            return await command() switch
            {
                ChannelView => new Notice(done, Error: false),
                ChannelRejected rejected => new Notice(rejected.Message, Error: true),
                var other => new Notice($"unexpected reply {other.GetType().Name}", Error: true),
            };
        }
        catch (AskTimeoutException)
        {
            return new Notice($"The cluster did not answer within {ChannelService.AskTimeout.TotalSeconds:0} s; nothing is known to have changed. Retry later.", Error: true);
        }
    }
}
