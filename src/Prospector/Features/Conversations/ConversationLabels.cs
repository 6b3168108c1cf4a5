using Microsoft.Extensions.Localization;
using MudBlazor;
using Prospector.Data;

namespace Prospector.Features.Conversations;

/// <summary>Localised labels and icons of channels, directions, outcomes and timeline kinds.</summary>
public static class ConversationLabels
{
    public static readonly Data.Channel[] Channels =
        [Data.Channel.Phone, Data.Channel.Email, Data.Channel.Sms, Data.Channel.Social, Data.Channel.InPerson, Data.Channel.Video, Data.Channel.Letter, Data.Channel.Note];

    public static string Channel(IStringLocalizer l, Data.Channel c) => c switch
    {
        Data.Channel.Phone => l["Phone call"],
        Data.Channel.Email => l["E-mail"],
        Data.Channel.Sms => l["SMS"],
        Data.Channel.Social => l["Social media"],
        Data.Channel.InPerson => l["In person"],
        Data.Channel.Video => l["Video call"],
        Data.Channel.Letter => l["Letter"],
        _ => l["Note"],
    };

    public static string Icon(Data.Channel c) => c switch
    {
        Data.Channel.Phone => Icons.Material.Filled.Phone,
        Data.Channel.Email => Icons.Material.Filled.Email,
        Data.Channel.Sms => Icons.Material.Filled.Sms,
        Data.Channel.Social => Icons.Material.Filled.Share,
        Data.Channel.InPerson => Icons.Material.Filled.Handshake,
        Data.Channel.Video => Icons.Material.Filled.VideoCall,
        Data.Channel.Letter => Icons.Material.Filled.MarkunreadMailbox,
        _ => Icons.Material.Filled.StickyNote2,
    };

    public static string Direction(IStringLocalizer l, Data.Direction d) => d switch
    {
        Data.Direction.Inbound => l["Inbound"],
        Data.Direction.Outbound => l["Outbound"],
        _ => "",
    };

    /// <summary>
    /// Known outcomes in the user's language; anything else (typed via the API) as it was written. The log dialog stores
    /// "reached", Done… stored "Reached" (<see cref="NextActions.NextActions.Outcomes"/>): both are the same outcome.
    /// </summary>
    public static string Outcome(IStringLocalizer l, string? o) => o?.Trim().ToLowerInvariant() switch
    {
        null => "",
        "done" => l["Done"],
        Outcomes.Reached => l["Reached"],
        Outcomes.NoAnswer => l["No answer"],
        Outcomes.Voicemail => l["Voicemail"],
        Outcomes.Replied => l["Replied"],
        Outcomes.Sent => l["Sent"],
        Outcomes.MeetingHeld => l["Meeting held"],
        Outcomes.NoShow => l["No show"],
        Outcomes.WrongNumber => l["Wrong number"],
        _ => o!,
    };

    public static string Kind(IStringLocalizer l, OpenQuestionKind k) => k == OpenQuestionKind.Concern ? l["Concern"] : l["Question"];

    /// <summary>A question's category in the user's language ("Uncategorised" for none).</summary>
    public static string Category(IStringLocalizer l, ConcernCategory? c) => c switch
    {
        ConcernCategory.Price => l["Price"],
        ConcernCategory.Timing => l["Timing"],
        ConcernCategory.Competitor => l["Competitor"],
        ConcernCategory.Integration => l["Integration"],
        ConcernCategory.Authority => l["Authority"],
        ConcernCategory.Other => l["Other"],
        _ => l["Uncategorised"],
    };

    public static string TimelineKind(IStringLocalizer l, TimelineKind k) => k switch
    {
        Conversations.TimelineKind.Activity => l["Activities and notes"],
        Conversations.TimelineKind.Question => l["Answered questions"],
        Conversations.TimelineKind.Stage => l["Stage and status"],
        Conversations.TimelineKind.Qualification => l["Qualification answers"],
        Conversations.TimelineKind.NextAction => l["Completed next actions"],
        Conversations.TimelineKind.Import => l["Imports"],
        _ => l["Field changes"],
    };
}
