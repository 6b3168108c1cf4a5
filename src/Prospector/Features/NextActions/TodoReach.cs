namespace Prospector.Features.NextActions;

/// <summary>The To do's quick picks (the contact details its rows call and mail: <see cref="Common.ContactReaches"/>).</summary>
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
}
