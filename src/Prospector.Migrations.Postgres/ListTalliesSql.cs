namespace Prospector.Migrations.Postgres;

/// <summary>
/// Hand-written SQL that keeps the lists report's figures on PostgreSQL. "ListContactTallies": a unique key over (list,
/// stage, out, owner or none, team or none) and row triggers on "Contacts" that take out a contact's old self and add its new
/// one whenever one of those changes; a contact counts while it came from a list and is not in the recycle bin. Every tally
/// trigger reads only the row it fires for (the version its update locked), so it stays exact under concurrent writes.
/// "Opportunities"."ContactSourceListId": a deal takes its contact's list when it is inserted or changes contact, and a
/// contact hands a new list to its deals (as <see cref="CohortDealsSql"/> does with the first day as a Lead). All in the
/// transaction of the write, however the write is made. <see cref="Up"/> can be run again at any time: it drops the
/// triggers, empties the table, recreates both and fills them from the contacts.
/// </summary>
public static class ListTalliesSql
{
    private const string Key = "\"SourceListId\", \"Stage\", \"Out\", (COALESCE(\"OwnerId\", 0)), (COALESCE(\"TeamId\", 0))";
    private const string Columns = "\"SourceListId\", \"Stage\", \"Out\", \"OwnerId\", \"TeamId\", \"Count\"";

    private static string Values(string c) =>
        $"{c}.\"SourceListId\", {c}.\"Stage\", {c}.\"LeadStatus\" = 'Unqualified', {c}.\"OwnerId\", {c}.\"TeamId\"";

    private static string Counted(string c) => $"{c}.\"SourceListId\" IS NOT NULL AND {c}.\"DeletedAt\" IS NULL";

    private static string Apply(string c, int sign) => $"""
            INSERT INTO "ListContactTallies" ({Columns})
              SELECT {Values(c)}, {sign} WHERE {Counted(c)}
              ON CONFLICT ({Key}) DO UPDATE SET "Count" = "ListContactTallies"."Count" + EXCLUDED."Count";
        """;

    private static IEnumerable<string> Drops() =>
    [
        "DROP TRIGGER IF EXISTS contacts_list_tallies ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS contacts_list_tallies_update ON \"Contacts\"",
        "DROP TRIGGER IF EXISTS opportunities_source_list ON \"Opportunities\"",
        "DROP TRIGGER IF EXISTS contacts_source_list_deals ON \"Contacts\"",
    ];

    public static readonly string[] Up =
    [
        .. Drops(),
        "DROP INDEX IF EXISTS \"UX_ListContactTallies_Key\"",
        "DELETE FROM \"ListContactTallies\"",
        $"CREATE UNIQUE INDEX \"UX_ListContactTallies_Key\" ON \"ListContactTallies\" ({Key})",
        $"""
        CREATE OR REPLACE FUNCTION prospector_list_tallies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN
        {Apply("OLD", -1)}
          END IF;
          IF TG_OP <> 'DELETE' THEN
        {Apply("NEW", 1)}
          END IF;
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER contacts_list_tallies AFTER INSERT OR DELETE
          ON "Contacts" FOR EACH ROW EXECUTE FUNCTION prospector_list_tallies()
        """,
        """
        CREATE TRIGGER contacts_list_tallies_update
          AFTER UPDATE OF "SourceListId", "Stage", "LeadStatus", "OwnerId", "TeamId", "DeletedAt"
          ON "Contacts" FOR EACH ROW
          WHEN (OLD."SourceListId" IS DISTINCT FROM NEW."SourceListId" OR OLD."Stage" IS DISTINCT FROM NEW."Stage"
            OR (OLD."LeadStatus" = 'Unqualified') IS DISTINCT FROM (NEW."LeadStatus" = 'Unqualified')
            OR OLD."OwnerId" IS DISTINCT FROM NEW."OwnerId" OR OLD."TeamId" IS DISTINCT FROM NEW."TeamId"
            OR (OLD."DeletedAt" IS NULL) <> (NEW."DeletedAt" IS NULL))
          EXECUTE FUNCTION prospector_list_tallies()
        """,
        $"""
        INSERT INTO "ListContactTallies" ({Columns})
          SELECT {Values("c")}, count(*) FROM "Contacts" AS c WHERE {Counted("c")}
          GROUP BY 1, 2, 3, 4, 5
        """,
        """
        CREATE OR REPLACE FUNCTION prospector_deal_source_list() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW."ContactSourceListId" := (SELECT c."SourceListId" FROM "Contacts" AS c WHERE c."Id" = NEW."ContactId");
          RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER opportunities_source_list BEFORE INSERT OR UPDATE OF "ContactId"
          ON "Opportunities" FOR EACH ROW EXECUTE FUNCTION prospector_deal_source_list()
        """,
        """
        CREATE OR REPLACE FUNCTION prospector_contact_source_list_deals() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE "Opportunities" SET "ContactSourceListId" = NEW."SourceListId" WHERE "ContactId" = NEW."Id";
          RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER contacts_source_list_deals AFTER UPDATE OF "SourceListId" ON "Contacts" FOR EACH ROW
          WHEN (OLD."SourceListId" IS DISTINCT FROM NEW."SourceListId") EXECUTE FUNCTION prospector_contact_source_list_deals()
        """,
        """
        UPDATE "Opportunities" AS o SET "ContactSourceListId" = (SELECT c."SourceListId" FROM "Contacts" AS c WHERE c."Id" = o."ContactId")
          WHERE o."ContactSourceListId" IS DISTINCT FROM (SELECT c."SourceListId" FROM "Contacts" AS c WHERE c."Id" = o."ContactId")
        """,
    ];

    public static readonly string[] Down =
    [
        .. Drops(),
        "DROP FUNCTION IF EXISTS prospector_list_tallies()",
        "DROP FUNCTION IF EXISTS prospector_deal_source_list()",
        "DROP FUNCTION IF EXISTS prospector_contact_source_list_deals()",
        "DROP INDEX IF EXISTS \"UX_ListContactTallies_Key\"",
    ];
}
