using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Serilog;
using Serilog.Events;

namespace Inspur.Host.Logging;

/// <summary>
/// Routes Akka's log events into Serilog, formatted by Akka itself (its positional templates do not survive the
/// Microsoft.Extensions.Logging bridge intact), with the log source, thread and level as structured properties.
/// </summary>
public sealed class AkkaSerilogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaSerilogLogger()
    {
        Receive<Error>(e => Write(LogEventLevel.Error, e));
        Receive<Warning>(e => Write(LogEventLevel.Warning, e));
        Receive<Info>(e => Write(LogEventLevel.Information, e));
        Receive<Debug>(e => Write(LogEventLevel.Debug, e));
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
    }

    private static void Write(LogEventLevel level, Akka.Event.LogEvent e)
    {
        var source = e.LogClass is { } type && type != typeof(DummyClassForStringSources) ? type.FullName : e.LogSource;
        var logger = Log.Logger.ForContext("SourceContext", source)
            .ForContext("AkkaSource", e.LogSource)
            .ForContext("Thread", e.Thread.ManagedThreadId);
        if (!logger.IsEnabled(level)) return;
        logger.Write(level, e.Cause, "{AkkaMessage:l}", e.Message?.ToString());
    }
}
