using System.Text.RegularExpressions;

namespace Inspur.Domain.Recordings;

/// <summary>Typed id of a recording; safe to use in URLs and as a folder name.</summary>
public sealed partial record RecordingId(string Value)
{
    /// <summary>Lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>A fresh id, <c>rec-</c> and 20 hex digits.</summary>
    public static RecordingId New() => new($"rec-{Guid.NewGuid():N}"[..24]);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Every message addressed to one recording entity carries its id; the message extractor routes on it.</summary>
public interface IWithRecordingId
{
    RecordingId RecordingId { get; }
}
