using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Conversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: full-text search over activity notes (see SearchSql).
            foreach (var sql in SearchSql.Up) migrationBuilder.Sql(sql);

            // OpenQuestions.ContactId becomes optional. EF would rebuild the table with PRAGMA foreign_keys around it,
            // which commits half the migration first; the table has no foreign keys, so the rebuild runs here, inside
            // the migration's one transaction: a kill leaves the database as it was before.
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_OpenQuestions" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_OpenQuestions" PRIMARY KEY AUTOINCREMENT,
                    "ActivityId" INTEGER NULL,
                    "Answer" TEXT NULL,
                    "AnsweredAt" TEXT NULL,
                    "AnsweredById" INTEGER NULL,
                    "CompanyId" INTEGER NULL,
                    "ContactId" INTEGER NULL,
                    "Kind" TEXT NOT NULL,
                    "NextActionId" INTEGER NULL,
                    "OpportunityId" INTEGER NULL,
                    "RaisedAt" TEXT NOT NULL,
                    "RaisedById" INTEGER NULL,
                    "Text" TEXT NOT NULL
                );
                """);
            migrationBuilder.Sql("""
                INSERT INTO "ef_temp_OpenQuestions" ("Id", "ActivityId", "Answer", "AnsweredAt", "AnsweredById", "ContactId", "Kind", "NextActionId", "RaisedAt", "Text")
                SELECT "Id", "ActivityId", "Answer", "AnsweredAt", "AnsweredById", "ContactId", "Kind", "NextActionId", "RaisedAt", "Text"
                FROM "OpenQuestions";
                """);
            migrationBuilder.Sql("""DROP TABLE "OpenQuestions";""");
            migrationBuilder.Sql("""ALTER TABLE "ef_temp_OpenQuestions" RENAME TO "OpenQuestions";""");
            foreach (var (name, columns) in new[]
            {
                ("IX_OpenQuestions_ActivityId", "\"ActivityId\""),
                ("IX_OpenQuestions_CompanyId_AnsweredAt", "\"CompanyId\", \"AnsweredAt\""),
                ("IX_OpenQuestions_ContactId_AnsweredAt", "\"ContactId\", \"AnsweredAt\""),
                ("IX_OpenQuestions_NextActionId", "\"NextActionId\""),
                ("IX_OpenQuestions_OpportunityId_AnsweredAt", "\"OpportunityId\", \"AnsweredAt\""),
            })
                migrationBuilder.Sql($"CREATE INDEX \"{name}\" ON \"OpenQuestions\" ({columns});");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SearchSql.Down) migrationBuilder.Sql(sql);

            migrationBuilder.DropIndex(
                name: "IX_OpenQuestions_ActivityId",
                table: "OpenQuestions");

            migrationBuilder.DropIndex(
                name: "IX_OpenQuestions_CompanyId_AnsweredAt",
                table: "OpenQuestions");

            migrationBuilder.DropIndex(
                name: "IX_OpenQuestions_NextActionId",
                table: "OpenQuestions");

            migrationBuilder.DropIndex(
                name: "IX_OpenQuestions_OpportunityId_AnsweredAt",
                table: "OpenQuestions");

            migrationBuilder.DropColumn(
                name: "CompanyId",
                table: "OpenQuestions");

            migrationBuilder.DropColumn(
                name: "OpportunityId",
                table: "OpenQuestions");

            migrationBuilder.DropColumn(
                name: "RaisedById",
                table: "OpenQuestions");

            migrationBuilder.AlterColumn<long>(
                name: "ContactId",
                table: "OpenQuestions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
