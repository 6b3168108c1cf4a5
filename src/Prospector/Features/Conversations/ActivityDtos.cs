using Prospector.Data;

namespace Prospector.Features.Conversations;

public sealed record QuestionDto(long Id, OpenQuestionKind Kind, string Text, long? ContactId, long? CompanyId, long? OpportunityId,
    long? ActivityId, long? NextActionId, DateTime RaisedAt, string? RaisedBy, bool Open, string? Answer, DateTime? AnsweredAt, string? AnsweredBy,
    ConcernCategory? Category = null, string? About = null, long? OwnerId = null, string? OwnerName = null);

public sealed record ActivityDto(long Id, long? ContactId, string? ContactName, long? CompanyId, string? CompanyName, long? OpportunityId,
    Channel Channel, Direction Direction, string? Outcome, DateTime OccurredAt, int? DurationMinutes, string? Subject, string? Notes,
    long? UserId, string? UserName, DateTime CreatedAt, IReadOnlyList<QuestionDto> Questions);

/// <summary>Outcomes offered in the log dialog; the API accepts any short text, these are the common ones.</summary>
public static class Outcomes
{
    public const string Reached = "reached";
    public const string NoAnswer = "no answer";
    public const string Voicemail = "voicemail";
    public const string Replied = "replied";
    public const string Sent = "sent";
    public const string MeetingHeld = "meeting held";
    public const string NoShow = "no show";
    public const string WrongNumber = "wrong number";

    public static string[] For(Channel c) => c switch
    {
        Channel.Phone => [Reached, NoAnswer, Voicemail, WrongNumber],
        Channel.Email or Channel.Sms or Channel.Social or Channel.Letter => [Sent, Replied],
        Channel.InPerson or Channel.Video => [MeetingHeld, NoShow],
        _ => [],
    };
}
