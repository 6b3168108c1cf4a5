using Bogus;
using Microsoft.EntityFrameworkCore;
using Prospector.Data;
using Prospector.Features.Auth;
using Prospector.Features.Companies;
using Prospector.Features.Contacts;

namespace Prospector.Features.Demo;

/// <summary>
/// `serve --demo`: a fresh workspace filled with a living CRM — German, Dutch and English companies and
/// people in every stage, with owners in two teams, activities and next actions. Deterministic (fixed seed),
/// so every newcomer and every screenshot sees the same data.
/// </summary>
public static partial class DemoData
{
    public const string Password = "prospector-demo";
    public const string AdminEmail = "admin@demo.prospector";
    private const int Seed = 20261123;

    public static async Task SeedAsync(IServiceProvider sp, TextWriter output, CancellationToken ct, int companies = 800, int contacts = 3000)
    {
        var db = sp.GetRequiredService<ProspectorDb>();
        if (await db.Users.AnyAsync(ct) || await db.Contacts.IgnoreQueryFilters().AnyAsync(ct))
        {
            output.WriteLine("The database already has data: --demo only fills a fresh one. Sign in with your existing account.");
            return;
        }
        output.WriteLine("Filling the database with demo data…");
        var users = await CreateUsersAsync(sp.GetRequiredService<UserAdmin>());
        // The manager leads two teams (Nord and Süd): the reports' per-team figures have more than one team to show.
        var sued = await db.Teams.FirstAsync(t => t.Name == "Süd", ct);
        db.TeamMembers.Add(new TeamMember { TeamId = sued.Id, UserId = users[1].Id });
        await db.SaveChangesAsync(ct);
        var random = new Randomizer(Seed);
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        await Qualification.QualificationDefaults.EnsureAsync(db, ct);
        var pipeline = await db.Pipelines.Include(p => p.Steps).OrderByDescending(p => p.IsDefault).FirstAsync(ct);
        pipeline.Steps.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));

        var companyList = Enumerable.Range(0, companies).Select(i => NewCompany(Locale(i), random, users)).ToList();
        db.Companies.AddRange(companyList);
        await db.SaveChangesAsync(ct);

        var stages = new[] { Stage.Suspect, Stage.Lead, Stage.Lead, Stage.Lead, Stage.Prospect, Stage.Prospect, Stage.Customer, Stage.RepeatCustomer };
        var people = new List<Contact>();
        for (var i = 0; i < contacts; i++)
        {
            // People speak the language of the company they work for.
            var company = companyList[random.Number(companyList.Count - 1)];
            var locale = company.Country switch { "DE" => "de", "NL" => "nl", _ => "en_GB" };
            var f = new Faker(locale) { Random = new Randomizer(Seed + i) };
            var c = new Contact
            {
                Salutation = locale == "de" ? f.PickRandom("Herr", "Frau") : null,
                FirstName = f.Name.FirstName(),
                NamePrefix = locale == "nl" && f.Random.Bool(0.3f) ? f.PickRandom("van", "de", "van der", "van den") : null,
                LastName = f.Name.LastName(),
                JobTitle = f.PickRandom(JobTitles[locale]),
                CompanyId = company.Id,
                City = company.City,
                Country = company.Country,
                Stage = stages[f.Random.Number(stages.Length - 1)],
                Source = f.PickRandom("Trade fair", "Website", "Referral", "Cold call", "LinkedIn", "Purchased list"),
                OwnerId = company.OwnerId,
                TeamId = company.TeamId,
            };
            c.Email = $"{TextKeys.Fold(c.FirstName).Replace(' ', '.')}.{TextKeys.Fold(c.LastName).Replace(' ', '-')}@{company.Domain}".Replace("'", "");
            c.Phone = f.Phone.PhoneNumber(PhoneFormat[locale]);
            c.LeadStatus = c.Stage switch
            {
                Stage.Suspect => LeadStatus.New,
                Stage.Lead => f.PickRandom(LeadStatus.New, LeadStatus.Working, LeadStatus.Working, LeadStatus.Nurturing, LeadStatus.Unqualified),
                _ => LeadStatus.Working,
            };
            if (c.LeadStatus == LeadStatus.Unqualified)
                c.UnqualifiedReason = InLanguageOf(company.Country, f.PickRandom("No budget", "Wrong target market", "No authority to decide", "Not interested"));
            if (f.Random.Bool(0.4f))
                c.PersonalDates.Add(new PersonalDate { Kind = PersonalDateKind.Birthday, Month = f.Random.Number(1, 12), Day = f.Random.Number(1, 28), RemindDaysBefore = 7 });
            if (f.Random.Bool(0.5f))
                c.Consents.Add(new ConsentRecord
                {
                    Channel = ConsentChannel.Email,
                    Status = ConsentStatus.Granted,
                    GivenAt = now.AddDays(-f.Random.Number(10, 700)),
                    Method = f.PickRandom("Web form", "Business card at trade fair", "Verbally on the phone"),
                    RecordedAt = now,
                });
            ContactFields.RefreshKeys(c);
            people.Add(c);
        }
        db.Contacts.AddRange(people);
        await db.SaveChangesAsync(ct);

        AddWork(db, people, pipeline, users[0].Id, random, now);
        await AddQualificationAsync(db, people, users[0].Id, random, now, ct);
        await db.SaveChangesAsync(ct);
        await AgeDealsAsync(db, pipeline, random, now, ct);
        await AddQuestionsAsync(db, random, now, ct);
        await AddListsAsync(db, people, random, ct);
        output.WriteLine($"Demo data ready: {companies} companies, {contacts} contacts, {users.Count} users.");
        output.WriteLine($"Demo login: {AdminEmail} / {Password}   (also: manager@demo.prospector, rep.nord@demo.prospector, rep.sued@demo.prospector)");
    }

    /// <summary>
    /// Two prospecting lists — a trade fair's visitors and a bought address list — with the contacts of that source as
    /// their converted rows, and rows still open, cancelled (by reason) and duplicate, for the lists report.
    /// </summary>
    private static async Task AddListsAsync(ProspectorDb db, List<Contact> people, Randomizer random, CancellationToken ct)
    {
        string[] reasons = [nameof(Lists.CancelReason.NotInterested), nameof(Lists.CancelReason.WrongTargetMarket),
            nameof(Lists.CancelReason.Unreachable), nameof(Lists.CancelReason.NoBudget)];
        foreach (var (name, source, open, cancelled) in new[] { ("Messe Hannover 2026", "Trade fair", 40, 25), ("Adressliste Maschinenbau Q3", "Purchased list", 120, 90) })
        {
            var list = new ProspectingList { Name = name, Columns = "[\"Name\",\"Company\",\"E-mail\",\"Phone\"]", DefaultCountry = "DE" };
            db.ProspectingLists.Add(list);
            await db.SaveChangesAsync(ct);
            var n = 0;
            ListRow Row(ListRowState state, string rowName, string? company, string? email) => new()
            {
                ListId = list.Id, RowNumber = ++n, State = state, Name = rowName, Company = company, Email = email,
                Cells = System.Text.Json.JsonSerializer.Serialize(new[] { rowName, company ?? "", email ?? "", "" }),
            };
            foreach (var c in people.Where(p => p.Source == source))
            {
                c.SourceListId = list.Id;
                var converted = Row(ListRowState.Converted, c.DisplayName, null, c.Email);
                converted.ContactId = c.Id;
                db.ListRows.Add(converted);
            }
            var f = new Faker("de") { Random = random };
            for (var k = 0; k < open + cancelled + 12; k++)
            {
                var row = Row(k < open ? ListRowState.Open : k < open + cancelled ? ListRowState.Cancelled : ListRowState.Duplicate,
                    f.Name.FullName(), f.Company.CompanyName(), null);
                if (row.State == ListRowState.Cancelled) row.CancelReason = reasons[random.Number(reasons.Length - 1)];
                db.ListRows.Add(row);
            }
            list.RowCount = n;
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Lifecycle history and partly answered criteria, so the qualification tab shows leads at every step.</summary>
    private static async Task AddQualificationAsync(ProspectorDb db, List<Contact> people, long adminId, Randomizer random, DateTime now, CancellationToken ct)
    {
        var criteria = await db.QualificationCriteria.Where(c => c.Gate == Gate.LeadToProspect).OrderBy(c => c.SortOrder).ToListAsync(ct);
        foreach (var c in people)
        {
            var created = now.AddDays(-random.Number(30, 400));
            db.LifecycleEvents.Add(new LifecycleEvent { ContactId = c.Id, Kind = LifecycleEventKind.StageChanged, ToStage = Stage.Suspect, At = created, ById = c.OwnerId });
            var at = created;
            foreach (var stage in Enum.GetValues<Stage>().Where(s => s > Stage.Suspect && s <= c.Stage))
            {
                // Never in the future (a contact "-46 days in stage"): the last steps of a long history crowd before now, in order.
                at = Min(at.AddDays(random.Number(3, 40)), now.AddHours(-1 - (int)(Stage.RepeatCustomer - stage)));
                db.LifecycleEvents.Add(new LifecycleEvent { ContactId = c.Id, Kind = LifecycleEventKind.StageChanged, FromStage = stage - 1, ToStage = stage, At = at, ById = c.OwnerId });
            }
            // A disqualified lead was disqualified after its last stage change (the funnel's drop-outs by reason, the period's too).
            if (c.LeadStatus == LeadStatus.Unqualified)
                db.LifecycleEvents.Add(new LifecycleEvent
                {
                    ContactId = c.Id, Kind = LifecycleEventKind.StatusChanged, FromStatus = LeadStatus.Working, ToStatus = LeadStatus.Unqualified,
                    Reason = c.UnqualifiedReason, At = DisqualifiedAt(at.AddDays(random.Number(2, 30)), now), ById = c.OwnerId,
                });
            var answered = c.Stage >= Stage.Prospect ? criteria.Count : c.Stage == Stage.Lead ? random.Number(0, criteria.Count - 1) : 0;
            foreach (var q in criteria.Take(answered))
                db.QualificationAnswers.Add(new QualificationAnswer
                {
                    ContactId = c.Id, CriterionId = q.Id, AnsweredById = c.OwnerId ?? adminId, AnsweredAt = at,
                    Answer = c.Stage >= Stage.Prospect || random.Bool(0.8f) ? CriterionAnswer.Met : CriterionAnswer.NotMet,
                });
        }
    }

    /// <summary>
    /// When a demo lead was disqualified: after its last stage change, before now, and within the last 300 days, so that the
    /// retention run (disqualified without consent for 365 days) does not erase demo contacts minutes after the start.
    /// </summary>
    private static DateTime DisqualifiedAt(DateTime wanted, DateTime now)
    {
        var latest = now.AddMinutes(-30);
        var earliest = now.AddDays(-300);
        return wanted > latest ? latest : wanted < earliest ? earliest : wanted;
    }

    /// <summary>A reason as the contact's sales rep would type it: German for a German company, Dutch for a Dutch one, else English.</summary>
    internal static string InLanguageOf(string? country, string reason) => country switch
    {
        "DE" or "AT" or "CH" => ReasonsDe.GetValueOrDefault(reason, reason),
        "NL" or "BE" => ReasonsNl.GetValueOrDefault(reason, reason),
        _ => reason,
    };

    private static readonly Dictionary<string, string> ReasonsDe = new()
    {
        ["No budget"] = "Kein Budget", ["Wrong target market"] = "Falscher Zielmarkt", ["No authority to decide"] = "Keine Entscheidungsbefugnis",
        ["Not interested"] = "Kein Interesse", ["Too expensive"] = "Zu teuer", ["Chose a competitor"] = "Wettbewerber gewählt",
        ["No decision"] = "Keine Entscheidung", ["Timing"] = "Zeitpunkt", ["Project postponed"] = "Projekt verschoben", ["Budget frozen"] = "Budget eingefroren",
    };

    private static readonly Dictionary<string, string> ReasonsNl = new()
    {
        ["No budget"] = "Geen budget", ["Wrong target market"] = "Verkeerde doelmarkt", ["No authority to decide"] = "Geen beslissingsbevoegdheid",
        ["Not interested"] = "Geen interesse", ["Too expensive"] = "Te duur", ["Chose a competitor"] = "Koos een concurrent",
        ["No decision"] = "Geen beslissing", ["Timing"] = "Timing", ["Project postponed"] = "Project uitgesteld", ["Budget frozen"] = "Budget bevroren",
    };

    private static async Task<List<User>> CreateUsersAsync(UserAdmin admin)
    {
        var specs = new[]
        {
            (AdminEmail, Roles.Admin, "Demo Admin", (string?)null),
            ("manager@demo.prospector", Roles.Manager, "Monika Manager", "Nord"),
            ("rep.nord@demo.prospector", Roles.Rep, "Niklas Nord", "Nord"),
            ("rep.sued@demo.prospector", Roles.Rep, "Sophie Süd", "Süd"),
            ("rep.benelux@demo.prospector", Roles.Rep, "Daan de Vries", "Benelux"),
        };
        var users = new List<User>();
        foreach (var (email, role, name, team) in specs)
        {
            var (user, errors) = await admin.CreateAsync(email, Password, role, name, team);
            users.Add(user ?? throw new InvalidOperationException(string.Join(" ", errors)));
        }
        return users;
    }

    private static Company NewCompany(string locale, Randomizer random, List<User> users)
    {
        var f = new Faker(locale) { Random = new Randomizer(random.Int()) };
        var name = f.Company.CompanyName();
        var tld = locale switch { "de" => "de", "nl" => "nl", _ => "co.uk" };
        var slug = new string(TextKeys.Fold(name).Where(char.IsAsciiLetterOrDigit).Take(24).ToArray());
        var reps = users.Skip(2).ToList();
        var owner = locale switch { "nl" => reps[2], _ => f.PickRandom(reps[0], reps[1]) };
        var c = new Company
        {
            Name = name,
            Website = $"https://www.{slug}.{tld}",
            Phone = f.Phone.PhoneNumber(PhoneFormat[locale]),
            Street = f.Address.StreetAddress(),
            PostalCode = f.Address.ZipCode(),
            City = f.Address.City(),
            Country = locale switch { "de" => "DE", "nl" => "NL", _ => "GB" },
            Industry = f.PickRandom("Manufacturing", "Wholesale", "IT services", "Logistics", "Construction", "Healthcare", "Retail"),
            Source = f.PickRandom("Trade fair", "Website", "Referral", "Purchased list"),
            OwnerId = owner.Id,
            TeamId = owner.Teams.FirstOrDefault()?.TeamId,
        };
        c.NameKey = TextKeys.Fold(c.Name);
        c.Domain = CompanyFields.DomainOf(c.Website);
        return c;
    }

    public static Pipeline DefaultPipeline() => new()
    {
        Name = "Sales",
        IsDefault = true,
        Steps =
        [
            new() { Name = "Qualification", SortOrder = 1, DefaultProbability = 10 },
            new() { Name = "Needs analysis", SortOrder = 2, DefaultProbability = 20 },
            new() { Name = "Demo", SortOrder = 3, DefaultProbability = 35 },
            new() { Name = "Credit check", SortOrder = 4, DefaultProbability = 45, IsCreditCheck = true },
            new() { Name = "Offer", SortOrder = 5, DefaultProbability = 60 },
            new() { Name = "Negotiation", SortOrder = 6, DefaultProbability = 75 },
            new() { Name = "Closing", SortOrder = 7, DefaultProbability = 90 },
        ],
    };

    // Half German, a third Dutch, the rest English, like a DACH/Benelux sales team's database.
    private static string Locale(int i) => (i % 6) switch { 0 or 1 or 2 => "de", 3 or 4 => "nl", _ => "en_GB" };

    private static readonly Dictionary<string, string> PhoneFormat = new()
    {
        ["de"] = "+49 ### #######",
        ["nl"] = "+31 # ########",
        ["en_GB"] = "+44 #### ######",
    };

    private static readonly Dictionary<string, string[]> JobTitles = new()
    {
        ["de"] = ["Geschäftsführer", "Einkaufsleiterin", "Leiter Vertrieb", "IT-Leiter", "Prokuristin", "Assistenz der Geschäftsführung"],
        ["nl"] = ["Directeur", "Inkoopmanager", "Hoofd verkoop", "IT-manager", "Office manager"],
        ["en_GB"] = ["Managing Director", "Head of Purchasing", "Sales Director", "IT Manager", "Operations Manager"],
    };

    /// <summary>Questions and concerns raised in about a fifth of the conversations; most answered, some still open.</summary>
    private static async Task AddQuestionsAsync(ProspectorDb db, Randomizer random, DateTime now, CancellationToken ct)
    {
        var activities = await db.Activities.Where(a => a.ContactId != null).OrderBy(a => a.Id).ToListAsync(ct);
        foreach (var a in activities.Where(_ => random.Bool(0.2f)))
        {
            a.Notes = random.ArrayElement(DemoNotes);
            var concern = random.Bool(0.4f);
            var (text, answer, category) = concern ? random.ArrayElement(Concerns) : random.ArrayElement(Questions);
            var answered = random.Bool(0.5f);
            db.OpenQuestions.Add(new OpenQuestion
            {
                ContactId = a.ContactId, ActivityId = a.Id, Kind = concern ? OpenQuestionKind.Concern : OpenQuestionKind.Question,
                Text = text, Category = category, RaisedAt = a.OccurredAt, RaisedById = a.UserId,
                Answer = answered ? answer : null, AnsweredAt = answered ? Min(a.OccurredAt.AddDays(random.Number(1, 5)), now) : null,
                AnsweredById = answered ? a.UserId : null,
            });
        }
        await db.SaveChangesAsync(ct);
        await Sources.SourceDefaults.AdoptFreeTextAsync(db, ct);
        await ReferralsAsync(db, ct);
    }

    /// <summary>Some contacts came by referral: each is linked to an earlier contact of the same owner who referred them.</summary>
    private static async Task ReferralsAsync(ProspectorDb db, CancellationToken ct)
    {
        var referral = await db.LeadSources.Where(s => s.Key == "referral").Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        var referred = await db.Contacts.Where(c => c.LeadSourceId == referral).OrderBy(c => c.Id).Take(300).ToListAsync(ct);
        var referrers = await db.Contacts.Where(c => c.Stage == Stage.Customer || c.Stage == Stage.RepeatCustomer).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.OwnerId }).Take(100).ToListAsync(ct);
        for (var i = 0; i < referred.Count; i++)
            if (referrers.Where(r => r.OwnerId == referred[i].OwnerId && r.Id != referred[i].Id).Skip(i % 3).FirstOrDefault() is { } by)
                referred[i].ReferredById = by.Id;
        await db.SaveChangesAsync(ct);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static readonly (string Text, string Answer, ConcernCategory Category)[] Questions =
    [
        ("Does it integrate with DATEV?", "Yes, via the DATEV export; sent the documentation.", ConcernCategory.Integration),
        ("Can we host it ourselves?", "Yes: one server, SQLite or PostgreSQL.", ConcernCategory.Integration),
        ("Is there a Dutch user interface?", "Yes, German, Dutch and English.", ConcernCategory.Other),
        ("How long does the onboarding take?", "About two weeks including the data import.", ConcernCategory.Timing),
    ];

    private static readonly (string Text, string Answer, ConcernCategory Category)[] Concerns =
    [
        ("Price too high", "Offered the annual plan with 15 % discount.", ConcernCategory.Price),
        ("Worried about GDPR and data location", "Data stays on their own server; sent the DPA.", ConcernCategory.Authority),
        ("Team has no time for a switch this quarter", "Agreed to start in January.", ConcernCategory.Timing),
    ];

    private static readonly string[] DemoNotes =
    [
        "Talked about the **current spreadsheet** process.\n\n- 3 sales reps\n- about 2,000 leads a year",
        "Asked for a *written offer* by Friday. Budget decision in the next board meeting.",
        "Interested in the pipeline view; wants to see the reporting in a demo.",
        "Currently using Pipedrive, contract ends in March. Price is the main topic.",
    ];
}
