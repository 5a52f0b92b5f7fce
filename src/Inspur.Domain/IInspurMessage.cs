namespace Inspur.Domain;

/// <summary>Marks every message that is persisted or crosses the network, so it is bound to <see cref="Serialization.InspurSerializer"/>.</summary>
public interface IInspurMessage;
