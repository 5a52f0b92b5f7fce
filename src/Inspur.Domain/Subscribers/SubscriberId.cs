using System.Text.RegularExpressions;

namespace Inspur.Domain.Subscribers;

/// <summary>Typed id of a subscriber account, chosen by the BOSS (its account number), so an open can be retried safely.</summary>
public sealed partial record SubscriberId(string Value)
{
    /// <summary>Lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Typed id of a product in the BOSS's catalog (a channel package, an SVOD pack or a TVOD title offer).</summary>
public sealed partial record ProductId(string Value)
{
    /// <summary>Lower-case letters, digits and dashes, starting with a letter or digit, at most 64 characters.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    public override string ToString() => Value;

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Every message addressed to one subscriber entity carries its id; the message extractor routes on it.</summary>
public interface IWithSubscriberId
{
    SubscriberId SubscriberId { get; }
}
