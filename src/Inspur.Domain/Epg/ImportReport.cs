namespace Inspur.Domain.Epg;

/// <summary>How bad an import finding is: an error dropped a programme (or, when malformed, the whole file); info kept it.</summary>
public enum IssueSeverity
{
    Error,
    Info,
}

/// <summary>Kinds of import findings, as the report names them.</summary>
public static class IssueKinds
{
    public const string Malformed = "malformed";
    public const string MissingAttribute = "missing-attribute";
    public const string BadTime = "bad-time";
    public const string BadTimezone = "bad-timezone";
    public const string StopNotAfterStart = "stop-not-after-start";
    public const string UnknownChannel = "unknown-channel";
    public const string MissingTitle = "missing-title";
    public const string Overlap = "overlap";
    public const string Gap = "gap";
    public const string NotApplied = "not-applied";
}

/// <summary>One finding of an import, at the line (and column) of the file it is about; 0 when it is about no line.</summary>
public sealed record ImportIssue(IssueSeverity Severity, string Kind, int Line, int Column, string Message)
{
    public string? Channel { get; init; }
}

/// <summary>
/// What an import found: whether the file was malformed (then nothing is imported), how many programmes were kept and
/// dropped, and the findings in file order (cut to <see cref="MaxIssues"/>, with <see cref="IssueCount"/> the full count).
/// </summary>
public sealed record ImportReport(bool Malformed, int Kept, int Dropped, IReadOnlyList<ImportIssue> Issues)
{
    public const int MaxIssues = 500;

    public int IssueCount { get; init; } = Issues.Count;

    public bool HasErrors => Malformed || Issues.Any(i => i.Severity == IssueSeverity.Error);

    public static ImportReport Of(bool malformed, int kept, int dropped, IReadOnlyList<ImportIssue> issues)
    {
        var ordered = issues.OrderBy(i => i.Line).ThenBy(i => i.Column).ToList();
        return new ImportReport(malformed, kept, dropped, ordered.Count > MaxIssues ? ordered[..MaxIssues] : ordered) { IssueCount = ordered.Count };
    }
}
