using System.Text.RegularExpressions;

namespace Inspur.Domain.Channels;

/// <summary>Typed id of a channel; safe to use in URLs and storage paths.</summary>
public sealed partial record ChannelId(string Value)
{
    /// <summary>Lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Every message addressed to one channel entity carries its id; the message extractor routes on it.</summary>
public interface IWithChannelId
{
    ChannelId ChannelId { get; }
}
