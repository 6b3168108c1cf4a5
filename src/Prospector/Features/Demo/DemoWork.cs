using Bogus;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;

namespace Prospector.Features.Demo;

// The demo's deals (aged, with a step history to match) and the work on its people: activities, deals, next actions.
public static partial class DemoData
{
    /// <summary>
    /// Open deals of different ages, and "rotting after 14 days" on the steps, so the board and To do show deals gone quiet.
    /// The dates are set after the save, which stamps the step's start with the moment of the write.
    /// </summary>
    private static async Task AgeDealsAsync(ProspectorDb db, Pipeline pipeline, Randomizer random, DateTime now, CancellationToken ct)
    {
        foreach (var step in pipeline.Steps) step.RottingAfterDays = 14;
        await db.SaveChangesAsync(ct);
        var open = await db.Opportunities.Where(o => o.State == OpportunityState.Open).Select(o => o.Id).ToListAsync(ct);
        foreach (var id in open)
        {
            var entered = now.AddDays(-random.Number(0, 30)).AddHours(-random.Number(0, 12));
            var created = entered.AddDays(-random.Number(0, 40));
            await db.Opportunities.Where(o => o.Id == id)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.StepEnteredAt, entered).SetProperty(o => o.CreatedAt, created), ct);
        }
        // A closed deal was created weeks before it was won (the save stamped it with today, after its close date).
        var closed = await db.Opportunities.Where(o => o.ClosedAt != null).Select(o => new { o.Id, o.ClosedAt }).ToListAsync(ct);
        foreach (var d in closed)
        {
            var created = d.ClosedAt!.Value.AddDays(-random.Number(20, 90));
            await db.Opportunities.Where(o => o.Id == d.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.CreatedAt, created), ct);
        }
        await StepHistoryAsync(db, pipeline, random, ct);
    }

    /// <summary>
    /// A step history to match the back-dated deals (the saves wrote one for the moment of the write): an open deal went
    /// through the steps before its own between its creation and its current step's start; a won deal through all steps in
    /// the weeks before it was won.
    /// </summary>
    private static async Task StepHistoryAsync(ProspectorDb db, Pipeline pipeline, Randomizer random, CancellationToken ct)
    {
        var steps = pipeline.Steps.OrderBy(s => s.SortOrder).Select(s => s.Id).ToList();
        var deals = await db.Opportunities.Where(o => o.PipelineId == pipeline.Id)
            .Select(o => new { o.Id, o.StepId, o.State, o.CreatedAt, o.StepEnteredAt, o.ClosedAt }).ToListAsync(ct);
        var ids = deals.Select(d => d.Id).ToList();
        await db.OpportunityStepChanges.Where(c => ids.Contains(c.OpportunityId)).ExecuteDeleteAsync(ct);
        foreach (var d in deals)
        {
            var last = Math.Max(0, steps.IndexOf(d.StepId));
            var (start, end) = d.ClosedAt is { } closed ? (d.CreatedAt, closed) : (d.CreatedAt, d.StepEnteredAt);
            long? from = null;
            for (var i = 0; i <= last; i++)
            {
                var at = i == 0 ? start : d.ClosedAt is null && i == last ? end : start + (end - start) * ((i + random.Double(-0.3, 0.3)) / (last + 1));
                db.OpportunityStepChanges.Add(new OpportunityStepChange { OpportunityId = d.Id, PipelineId = pipeline.Id, FromStepId = from, ToStepId = steps[i], At = at });
                from = steps[i];
            }
            if (d.ClosedAt is { } c)
                db.OpportunityStepChanges.Add(new OpportunityStepChange { OpportunityId = d.Id, PipelineId = pipeline.Id, FromStepId = from, At = c });
        }
        await db.SaveChangesAsync(ct);
    }

    private static void AddWork(ProspectorDb db, List<Contact> people, Pipeline pipeline, long adminId, Randomizer random, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        foreach (var c in people)
        {
            var n = random.Number(0, 4);
            for (var k = 0; k < n; k++)
            {
                var channel = random.ArrayElement(new[] { Channel.Phone, Channel.Phone, Channel.Email, Channel.InPerson, Channel.Video, Channel.Social });
                db.Activities.Add(new Activity
                {
                    ContactId = c.Id,
                    CompanyId = c.CompanyId,
                    Channel = channel,
                    Direction = random.Bool(0.7f) ? Direction.Outbound : Direction.Inbound,
                    Outcome = random.ArrayElement(new[] { "reached", "no answer", "voicemail", "replied", "meeting held" }),
                    OccurredAt = now.AddDays(-random.Number(1, 120)).AddMinutes(-random.Number(0, 600)),
                    DurationMinutes = channel is Channel.Phone or Channel.Video ? random.Number(2, 45) : null,
                    Subject = random.ArrayElement(ActivitySubjects),
                    UserId = c.OwnerId,
                    CreatedAt = now,
                });
            }
            Opportunity? opportunity = null;
            if (c.Stage is Stage.Prospect or Stage.Customer or Stage.RepeatCustomer)
            {
                var step = pipeline.Steps[c.Stage == Stage.Prospect ? random.Number(0, pipeline.Steps.Count - 1) : pipeline.Steps.Count - 1];
                // A prospect's deal is open, or was lost (two in ten) or cancelled (one in ten): win/loss has something to show.
                var fate = c.Stage == Stage.Prospect ? random.Number(0, 9) : -1;
                var state = fate switch { -1 => OpportunityState.Won, 0 or 1 => OpportunityState.Lost, 2 => OpportunityState.Cancelled, _ => OpportunityState.Open };
                db.Opportunities.Add(opportunity = new Opportunity
                {
                    Title = $"{c.LastName}: {random.ArrayElement(Products)}",
                    ContactId = c.Id,
                    CompanyId = c.CompanyId,
                    PipelineId = pipeline.Id,
                    StepId = step.Id,
                    Amount = random.Number(20, 400) * 100m,
                    Currency = "EUR",
                    Probability = step.DefaultProbability,
                    State = state,
                    ClosedAt = state == OpportunityState.Open ? null : now.AddDays(-random.Number(5, 200)),
                    CloseReason = state switch
                    {
                        OpportunityState.Lost => DemoData.InLanguageOf(c.Country, random.ArrayElement(LossReasons)),
                        OpportunityState.Cancelled => DemoData.InLanguageOf(c.Country, random.ArrayElement(CancelReasons)),
                        _ => null,
                    },
                    ExpectedCloseDate = today.AddDays(random.Number(7, 90)),
                    OwnerId = c.OwnerId,
                    TeamId = c.TeamId,
                });
            }
            var open = c.LeadStatus != LeadStatus.Unqualified && c.Stage is Stage.Lead or Stage.Prospect;
            if (open)
            {
                var due = today.AddDays(random.Number(-5, 21));
                var type = random.ArrayElement(new[] { NextActionType.Call, NextActionType.Email, NextActionType.Meeting, NextActionType.Visit });
                TimeOnly? at = type is NextActionType.Meeting or NextActionType.Visit ? new TimeOnly(random.Number(9, 16), 0) : null;
                db.NextActions.Add(new NextAction
                {
                    ContactId = c.Id,
                    // A prospect's open deal carries its next action (one current action per open item).
                    Opportunity = opportunity?.State == OpportunityState.Open ? opportunity : null,
                    Type = type,
                    DueDate = due,
                    DueTime = at,
                    DueAtUtc = NextActions.CurrentAction.DueAtUtc(due, at, "Europe/Berlin"), // the demo users' zone
                    // Bulk seed, so not through CurrentAction.ScheduleAsync, but by its rule: the owner, else the acting user (the admin).
                    AssigneeId = NextActions.CurrentAction.Pick(null, c.OwnerId, adminId),
                    Note = random.ArrayElement(NextSteps),
                    CreatedAt = now,
                });
            }
        }
    }

    private static readonly string[] ActivitySubjects =
        ["First call", "Follow-up on offer", "Sent brochure", "Demo appointment", "Question about pricing", "Trade fair conversation", "Intro via LinkedIn"];

    private static readonly string[] NextSteps =
        ["Call back about the offer", "Send price list", "Arrange a demo", "Ask about the budget decision", "Check in after the trade fair"];

    private static readonly string[] LossReasons = ["Too expensive", "Chose a competitor", "No decision", "Too expensive", "Timing"];

    private static readonly string[] CancelReasons = ["Project postponed", "Budget frozen"];

    private static readonly string[] Products = ["CRM licences", "Service contract", "Consulting package", "Hardware upgrade", "Annual subscription"];
}
