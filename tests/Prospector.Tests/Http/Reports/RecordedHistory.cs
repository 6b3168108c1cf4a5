using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Tests.Infrastructure;

namespace Prospector.Tests.Http.Reports;

/// <summary>
/// A history made through the product's own API at instants set on the test clock, and the raw event log the test records
/// beside it (what it did, when, with what result): the oracle recomputes every report figure from this log alone.
/// Only the product's rules that decide an event are restated here (a won deal makes its contact a Customer, or a Repeat
/// customer when the contact was one already or has another won deal; a step move sets the step's default probability; a lost
/// deal's probability is 0; a reopened deal keeps its probability).
/// </summary>
internal sealed class RecordedHistory(ProspectorFactory app, TestUser admin, string source, long sourceId, long pipelineId,
    IReadOnlyList<(long Id, int Probability)> steps)
{
    public const string Contacts = "/api/v1/contacts";
    public const string Deals = "/api/v1/opportunities";

    public sealed record StageEv(Stage? From, Stage To, DateTime At, long? By);
    public sealed record StatusEv(LeadStatus To, string? Reason, DateTime At);
    public sealed record StepEv(long? From, long? To, DateTime At);
    public sealed record Conversation(long ContactId, long UserId, Channel Channel, DateTime At);

    public sealed class C
    {
        public long Id; public long? Owner, Team; public Stage Stage; public LeadStatus Status = LeadStatus.New; public string? Why; public bool Deleted;
        public List<StageEv> Stages = []; public List<StatusEv> Statuses = [];
    }

    public sealed class D
    {
        public long Id; public long Contact; public long? Owner, Team; public OpportunityState State = OpportunityState.Open;
        public DateTime CreatedAt; public DateTime? ClosedAt; public string? Reason; public decimal Amount; public string Currency = "EUR";
        public int Probability; public DateOnly? ExpectedClose; public long Step; public List<StepEv> Steps = [];
    }

    public string Source => source;
    public long PipelineId => pipelineId;
    public List<C> People { get; } = [];
    public List<D> Opportunities { get; } = [];
    public List<Conversation> Conversations { get; } = [];

    /// <summary>The instant the product stamps writes with (the test clock); the log uses the same instant.</summary>
    public DateTime Now { get; private set; }

    public void At(DateTime utc)
    {
        Now = utc;
        app.Clock.Pin(utc);
    }

    public static async Task<RecordedHistory> StartAsync(ProspectorFactory app, TestUser admin, int stepCount = 3)
    {
        var source = TestHttp.Unique("Hist");
        var sourceId = await app.WithDbAsync((db, _) => TestSources.IdAsync(db, source));
        var pipeline = await admin.Client.CreateAsync("/api/v1/pipelines", new
        {
            name = TestHttp.Unique("Pipe"),
            steps = Enumerable.Range(0, stepCount).Select(i => new { name = $"Step {i + 1}", defaultProbability = 10 + 30 * i }).ToArray(),
        });
        var steps = pipeline.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("id").GetInt64(), s.GetProperty("defaultProbability").GetInt32())).ToList();
        return new RecordedHistory(app, admin, source, sourceId, pipeline.GetProperty("id").GetInt64(), steps);
    }

    public IReadOnlyList<(long Id, int Probability)> Steps => steps;

    public async Task<C> NewContactAsync(TestUser owner, Stage stage)
    {
        var res = await owner.Client.PostAsJsonAsync(Contacts, new { lastName = "Hist " + TestHttp.Unique(), stage = stage.ToString(), sourceId });
        var body = await Ok(res, "create contact");
        var c = new C { Id = body.GetProperty("id").GetInt64(), Owner = owner.Id, Team = owner.TeamId, Stage = stage };
        c.Stages.Add(new StageEv(null, stage, Now, owner.Id));
        People.Add(c);
        return c;
    }

    /// <summary>An admin moves the contact (past any gate, with a reason); moving up brings a disqualified contact back.</summary>
    public async Task MoveAsync(C c, Stage to)
    {
        if (to == c.Stage) return;
        await Ok(await admin.Client.PostAsJsonAsync($"{Contacts}/{c.Id}/stage", new { stage = to.ToString(), reason = "Test move", @override = true }), "stage");
        c.Stages.Add(new StageEv(c.Stage, to, Now, admin.Id));
        if (to > c.Stage && to >= Stage.Lead && c.Status is LeadStatus.New or LeadStatus.Unqualified)
        {
            c.Statuses.Add(new StatusEv(LeadStatus.Working, "Test move", Now));
            (c.Status, c.Why) = (LeadStatus.Working, null);
        }
        c.Stage = to;
    }

    public async Task DisqualifyAsync(C c, string reason)
    {
        await Ok(await admin.Client.PostAsJsonAsync($"{Contacts}/{c.Id}/disqualify", new { reason }), "disqualify");
        c.Statuses.Add(new StatusEv(LeadStatus.Unqualified, reason, Now));
        (c.Status, c.Why) = (LeadStatus.Unqualified, reason);
    }

    public async Task DeleteAsync(C c)
    {
        var res = await admin.Client.DeleteAsync($"{Contacts}/{c.Id}");
        Assert.True(res.StatusCode == HttpStatusCode.NoContent, $"delete contact: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        c.Deleted = true;
    }

    public async Task RestoreAsync(C c)
    {
        await Ok(await admin.Client.PostAsync($"{Contacts}/{c.Id}/restore", null), "restore contact");
        c.Deleted = false;
    }

    /// <summary>An admin hands the contact to a rep of another team (owner and team change; its deals stay where they are).</summary>
    public async Task HandOverAsync(C c, TestUser to)
    {
        var version = (await admin.Client.GetJsonAsync($"{Contacts}/{c.Id}")).GetProperty("version").GetInt32();
        await Ok(await admin.Client.PatchAsync($"{Contacts}/{c.Id}", new { ownerId = to.Id, teamId = to.TeamId }, $"\"{version}\""), "hand over");
        (c.Owner, c.Team) = (to.Id, to.TeamId);
    }

    public async Task<D> NewDealAsync(C c, decimal amount, string currency, int probability, DateOnly? expectedClose, DateOnly today)
    {
        var body = await Ok(await admin.Client.PostAsJsonAsync(Deals, new
        {
            title = "Hist deal", contactId = c.Id, pipelineId, amount, currency, probability, expectedCloseDate = expectedClose,
            nextAction = new { type = "Call", dueDate = today.AddDays(1) },
        }), "create deal");
        var d = new D
        {
            Id = body.GetProperty("id").GetInt64(), Contact = c.Id, Owner = c.Owner, Team = c.Team, CreatedAt = Now, Amount = amount, Currency = currency,
            Probability = probability, ExpectedClose = expectedClose, Step = steps[0].Id,
        };
        Assert.Equal($"{d.Owner}/{d.Team}", $"{Long(body, "ownerId")}/{Long(body, "teamId")}");
        d.Steps.Add(new StepEv(null, d.Step, Now));
        Opportunities.Add(d);
        return d;
    }

    public async Task MoveDealAsync(D d, int stepIndex)
    {
        var (to, probability) = steps[stepIndex];
        if (to == d.Step) return;
        await Ok(await admin.Client.PostAsJsonAsync($"{Deals}/{d.Id}/move", new { stepId = to }), "move deal");
        d.Steps.Add(new StepEv(d.Step, to, Now));
        (d.Step, d.Probability) = (to, probability);
    }

    public async Task CloseDealAsync(D d, OpportunityState state, string? reason)
    {
        var verb = state switch { OpportunityState.Won => "win", OpportunityState.Lost => "lose", _ => "cancel" };
        await Ok(await admin.Client.PostAsJsonAsync($"{Deals}/{d.Id}/{verb}", new { reason }), verb);
        d.Steps.Add(new StepEv(d.Step, null, Now));
        (d.State, d.ClosedAt, d.Reason) = (state, Now, reason);
        if (state == OpportunityState.Lost) d.Probability = 0;
        if (state == OpportunityState.Won)
        {
            d.Probability = 100;
            var c = People.Single(p => p.Id == d.Contact);
            if (c.Deleted) return;
            var wonBefore = Opportunities.Any(x => x.Contact == c.Id && x.Id != d.Id && x.State == OpportunityState.Won);
            var target = wonBefore || c.Stage >= Stage.Customer ? Stage.RepeatCustomer : Stage.Customer;
            if (c.Stage != target) { c.Stages.Add(new StageEv(c.Stage, target, Now, admin.Id)); c.Stage = target; }
        }
    }

    public async Task ReopenAsync(D d, DateOnly today)
    {
        await Ok(await admin.Client.PostAsJsonAsync($"{Deals}/{d.Id}/reopen", new { nextAction = new { type = "Call", dueDate = today.AddDays(1) } }), "reopen");
        d.Steps.Add(new StepEv(null, d.Step, Now));
        (d.State, d.ClosedAt, d.Reason) = (OpportunityState.Open, null, null);
    }

    public async Task LogAsync(C c, TestUser by, Channel channel)
    {
        await Ok(await by.Client.PostAsJsonAsync("/api/v1/activities", new { contactId = c.Id, channel = channel.ToString(), subject = "Hist" }), "activity");
        Conversations.Add(new Conversation(c.Id, by.Id, channel, Now));
        if (c.Status == LeadStatus.New && channel != Channel.Note)
        {
            c.Statuses.Add(new StatusEv(LeadStatus.Working, null, Now));
            c.Status = LeadStatus.Working;
        }
    }

    private static long? Long(JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static async Task<JsonElement> Ok(HttpResponseMessage res, string what)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.IsSuccessStatusCode, $"{what}: {(int)res.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Sets a user's time zone (the viewer's day boundary), as the profile page would.</summary>
    public static Task SetZoneAsync(ProspectorFactory app, TestUser u, string zone) =>
        app.WithDbAsync(async (db, _) => { await db.Users.Where(x => x.Id == u.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.TimeZone, zone)); return 0; });
}
