using Prospector.Data;

namespace Prospector.Features.Lists;

/// <summary>What the convert form holds while the rep fills it in; the page's keys (1–7) change it too.</summary>
public sealed class ConvertDraft
{
    public const NextActionType DefaultType = NextActionType.Call;
    public NextActionType Type { get; set; } = DefaultType;
    public DateOnly Date { get; set; }
    public TimeOnly? Time { get; set; }
    public string? Note { get; set; }
}

/// <summary>What the cancel form holds: the reason (keys 1–7 pick it) and a note.</summary>
public sealed class CancelDraft
{
    public CancelReason Reason { get; set; } = CancelReason.NotInterested;
    public string? Note { get; set; }
}
