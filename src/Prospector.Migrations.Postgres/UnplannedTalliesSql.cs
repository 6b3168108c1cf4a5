namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps "UnplannedTallies" on PostgreSQL (decisions/0026): how many open items lack a next action,
/// per kind, owner and team. Two levels, each kept from the row a trigger fires on alone, so it never matters in which
/// order the rows of one statement change or when their AFTER triggers run:
/// <list type="bullet">
/// <item>counters on the items: "Contacts"."OpenActionCount" and "Opportunities"."OpenActionCount" (open next actions not in
/// the recycle bin; a contact's own, not about a deal), "Contacts"."OpenDealCount" (deals open or on standby, not in the
/// recycle bin), moved by row triggers on "NextActions" and "Opportunities";</item>
/// <item>the tallies, moved by row triggers on "Contacts" and "Opportunities" from the old and the new row: a contact counts
/// while it is in play (Lead or Prospect, a customer too when the workspace says every customer has a next action), not
/// disqualified, not in the recycle bin, with no open deal and no open next action; a deal while it is open or on standby,
/// not in the recycle bin, with no open next action. A change of the workspace setting counts the contacts again.</item>
/// </list>
/// The same definition as <c>NextActionQueries.ContactsWithout</c> and <c>OpportunitiesWithout</c>; UnplannedTalliesTests
/// compares the two after every kind of write. <see cref="Up"/> can be run again at any time.
/// </summary>
public static class UnplannedTalliesSql
{
    private const string Key = "\"Kind\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Add = "ON CONFLICT (" + Key + ") DO UPDATE SET \"Count\" = \"UnplannedTallies\".\"Count\" + EXCLUDED.\"Count\";";

    private static string ActionOpen(string a) => $"{a}.\"Status\" = 'Open' AND {a}.\"DeletedAt\" IS NULL";

    private static string DealOpen(string o) => $"{o}.\"DeletedAt\" IS NULL AND {o}.\"State\" IN ('Open', 'Standby')";

    private static string ContactCounts(string c) => $"""
        {c}."DeletedAt" IS NULL AND {c}."LeadStatus" <> 'Unqualified' AND {c}."OpenDealCount" = 0 AND {c}."OpenActionCount" = 0
          AND ({c}."Stage" IN ('Lead', 'Prospect')
            OR ({c}."Stage" IN ('Customer', 'RepeatCustomer') AND EXISTS (SELECT 1 FROM "WorkspaceSettings" WHERE "CustomersNeedNextAction")))
        """;

    private static string DealCounts(string o) => $"{DealOpen(o)} AND {o}.\"OpenActionCount\" = 0";

    private static string Tally(string kind, string r, int sign) => $"""
        INSERT INTO "UnplannedTallies" ("Kind", "OwnerId", "TeamId", "Count") VALUES ('{kind}', {r}."OwnerId", {r}."TeamId", {sign})
          {Add}
        """;

    /// <summary>
    /// The body of a row trigger that moves an item's tally: out with the old row when it counted, in with the new one when it
    /// counts; nothing when both count for the same owner and team, or neither counts.
    /// </summary>
    private static string TallyBody(string kind, Func<string, string> counts) => $"""
        DECLARE was boolean := false; will boolean := false;
        BEGIN
          IF TG_OP <> 'INSERT' THEN was := {counts("OLD")}; END IF;
          IF TG_OP <> 'DELETE' THEN will := {counts("NEW")}; END IF;
          IF TG_OP = 'UPDATE' AND was = will
             AND (NOT was OR (OLD."OwnerId" IS NOT DISTINCT FROM NEW."OwnerId" AND OLD."TeamId" IS NOT DISTINCT FROM NEW."TeamId")) THEN
            RETURN NULL;
          END IF;
          IF was THEN
        {Tally(kind, "OLD", -1)}
          END IF;
          IF will THEN
        {Tally(kind, "NEW", 1)}
          END IF;
          RETURN NULL;
        END
        """;

    private static readonly string RecountContacts = $"""
        DELETE FROM "UnplannedTallies" WHERE "Kind" = 'Contact';
        INSERT INTO "UnplannedTallies" ("Kind", "OwnerId", "TeamId", "Count")
          SELECT 'Contact', c."OwnerId", c."TeamId", count(*) FROM "Contacts" AS c WHERE {ContactCounts("c")} GROUP BY c."OwnerId", c."TeamId";
        """;

    private static readonly (string Trigger, string Table)[] Triggers =
    [
        ("next_actions_unplanned", "NextActions"), ("opportunities_unplanned_counters", "Opportunities"),
        ("opportunities_unplanned", "Opportunities"), ("contacts_unplanned", "Contacts"), ("workspace_settings_unplanned", "WorkspaceSettings"),
    ];

    private static readonly string[] Functions =
    [
        "prospector_next_action_unplanned", "prospector_opportunity_unplanned_counters", "prospector_opportunity_unplanned",
        "prospector_contact_unplanned", "prospector_workspace_unplanned",
    ];

    public static readonly string[] Up =
    [
        .. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t.Trigger} ON \"{t.Table}\""),
        "DROP INDEX IF EXISTS \"UX_UnplannedTallies_Key\"",
        "DELETE FROM \"UnplannedTallies\"",
        $"CREATE UNIQUE INDEX \"UX_UnplannedTallies_Key\" ON \"UnplannedTallies\" ({Key})",
        "UPDATE \"Contacts\" SET \"OpenActionCount\" = 0, \"OpenDealCount\" = 0 WHERE \"OpenActionCount\" <> 0 OR \"OpenDealCount\" <> 0",
        "UPDATE \"Opportunities\" SET \"OpenActionCount\" = 0 WHERE \"OpenActionCount\" <> 0",
        $"""
        UPDATE "Contacts" AS c SET "OpenActionCount" = n.n
          FROM (SELECT a."ContactId", count(*) AS n FROM "NextActions" AS a WHERE a."OpportunityId" IS NULL AND {ActionOpen("a")} GROUP BY a."ContactId") AS n
          WHERE c."Id" = n."ContactId"
        """,
        $"""
        UPDATE "Contacts" AS c SET "OpenDealCount" = n.n
          FROM (SELECT o."ContactId", count(*) AS n FROM "Opportunities" AS o WHERE {DealOpen("o")} GROUP BY o."ContactId") AS n
          WHERE c."Id" = n."ContactId"
        """,
        $"""
        UPDATE "Opportunities" AS o SET "OpenActionCount" = n.n
          FROM (SELECT a."OpportunityId", count(*) AS n FROM "NextActions" AS a WHERE {ActionOpen("a")} GROUP BY a."OpportunityId") AS n
          WHERE o."Id" = n."OpportunityId"
        """,
        $"""
        INSERT INTO "UnplannedTallies" ("Kind", "OwnerId", "TeamId", "Count")
          SELECT 'Contact', c."OwnerId", c."TeamId", count(*) FROM "Contacts" AS c WHERE {ContactCounts("c")} GROUP BY c."OwnerId", c."TeamId"
        """,
        $"""
        INSERT INTO "UnplannedTallies" ("Kind", "OwnerId", "TeamId", "Count")
          SELECT 'Opportunity', o."OwnerId", o."TeamId", count(*) FROM "Opportunities" AS o WHERE {DealCounts("o")} GROUP BY o."OwnerId", o."TeamId"
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_next_action_unplanned() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND OLD."Status" IS NOT DISTINCT FROM NEW."Status" AND OLD."ContactId" IS NOT DISTINCT FROM NEW."ContactId"
             AND OLD."OpportunityId" IS NOT DISTINCT FROM NEW."OpportunityId" AND (OLD."DeletedAt" IS NULL) = (NEW."DeletedAt" IS NULL) THEN
            RETURN NULL;
          END IF;
          IF TG_OP <> 'INSERT' AND {ActionOpen("OLD")} THEN
            IF OLD."OpportunityId" IS NOT NULL THEN
              UPDATE "Opportunities" SET "OpenActionCount" = "OpenActionCount" - 1 WHERE "Id" = OLD."OpportunityId";
            ELSIF OLD."ContactId" IS NOT NULL THEN
              UPDATE "Contacts" SET "OpenActionCount" = "OpenActionCount" - 1 WHERE "Id" = OLD."ContactId";
            END IF;
          END IF;
          IF TG_OP <> 'DELETE' AND {ActionOpen("NEW")} THEN
            IF NEW."OpportunityId" IS NOT NULL THEN
              UPDATE "Opportunities" SET "OpenActionCount" = "OpenActionCount" + 1 WHERE "Id" = NEW."OpportunityId";
            ELSIF NEW."ContactId" IS NOT NULL THEN
              UPDATE "Contacts" SET "OpenActionCount" = "OpenActionCount" + 1 WHERE "Id" = NEW."ContactId";
            END IF;
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER next_actions_unplanned AFTER INSERT OR DELETE OR UPDATE OF "Status", "ContactId", "OpportunityId", "DeletedAt"
          ON "NextActions" FOR EACH ROW EXECUTE FUNCTION prospector_next_action_unplanned()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_opportunity_unplanned_counters() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE was boolean := false; will boolean := false;
        BEGIN
          IF TG_OP <> 'INSERT' THEN was := OLD."ContactId" IS NOT NULL AND {DealOpen("OLD")}; END IF;
          IF TG_OP <> 'DELETE' THEN will := NEW."ContactId" IS NOT NULL AND {DealOpen("NEW")}; END IF;
          IF TG_OP = 'UPDATE' AND was = will AND (NOT was OR OLD."ContactId" = NEW."ContactId") THEN
            RETURN NULL;
          END IF;
          IF was THEN
            UPDATE "Contacts" SET "OpenDealCount" = "OpenDealCount" - 1 WHERE "Id" = OLD."ContactId";
          END IF;
          IF will THEN
            UPDATE "Contacts" SET "OpenDealCount" = "OpenDealCount" + 1 WHERE "Id" = NEW."ContactId";
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER opportunities_unplanned_counters AFTER INSERT OR DELETE OR UPDATE OF "ContactId", "State", "DeletedAt"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_opportunity_unplanned_counters()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_opportunity_unplanned() RETURNS trigger LANGUAGE plpgsql AS $$
        {TallyBody("Opportunity", DealCounts)}
        $$
        """,
        """
        CREATE TRIGGER opportunities_unplanned AFTER INSERT OR DELETE OR UPDATE OF "State", "DeletedAt", "OwnerId", "TeamId", "OpenActionCount"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_opportunity_unplanned()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_contact_unplanned() RETURNS trigger LANGUAGE plpgsql AS $$
        {TallyBody("Contact", ContactCounts)}
        $$
        """,
        """
        CREATE TRIGGER contacts_unplanned
          AFTER INSERT OR DELETE OR UPDATE OF "DeletedAt", "LeadStatus", "Stage", "OwnerId", "TeamId", "OpenActionCount", "OpenDealCount"
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_contact_unplanned()
        """,
        $"""
        CREATE OR REPLACE FUNCTION prospector_workspace_unplanned() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND OLD."CustomersNeedNextAction" = NEW."CustomersNeedNextAction" THEN
            RETURN NULL;
          END IF;
        {RecountContacts}
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER workspace_settings_unplanned AFTER INSERT OR DELETE OR UPDATE OF "CustomersNeedNextAction"
          ON "WorkspaceSettings" FOR EACH ROW EXECUTE FUNCTION prospector_workspace_unplanned()
        """,
    ];

    public static readonly string[] Down =
    [
        .. Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t.Trigger} ON \"{t.Table}\""),
        .. Functions.Select(f => $"DROP FUNCTION IF EXISTS {f}()"),
        "DROP INDEX IF EXISTS \"UX_UnplannedTallies_Key\"",
    ];
}
