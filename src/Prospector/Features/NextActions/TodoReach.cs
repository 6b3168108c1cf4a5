using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Access;

namespace Prospector.Features.NextActions;

/// <summary>How to reach the person of a To do row: phone (with its E.164 form), mobile and e-mail.</summary>
public sealed record Reach(string? Phone, string? PhoneE164, string? Mobile, string? Email);

/// <summary>The To do's quick picks and the contact details its rows call and mail.</summary>
public static class TodoReach
{
    /// <summary>"Tomorrow": the day after today in the user's time zone.</summary>
    public static DateOnly Tomorrow(DateOnly today) => today.AddDays(1);

    /// <summary>"Next week": the Monday after today (a week ahead when today is Monday).</summary>
    public static DateOnly NextWeek(DateOnly today)
    {
        var days = (8 - (int)today.DayOfWeek) % 7;
        return today.AddDays(days == 0 ? 7 : days);
    }

    /// <summary>The phone, mobile and e-mail of the contacts among <paramref name="contactIds"/> that the user may see.</summary>
    public static async Task<Dictionary<long, Reach>> ForAsync(ProspectorDb db, AccessScope scope, IEnumerable<long> contactIds, CancellationToken ct = default)
    {
        var ids = contactIds.Distinct().ToList();
        if (ids.Count == 0) return [];
        return await scope.Filter(db.Contacts).Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Phone, c.PhoneE164, c.Mobile, c.Email })
            .ToDictionaryAsync(c => c.Id, c => new Reach(c.Phone, c.PhoneE164, c.Mobile, c.Email), ct);
    }
}
