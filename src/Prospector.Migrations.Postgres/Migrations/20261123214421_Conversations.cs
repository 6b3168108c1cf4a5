using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Conversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written: full-text search over activity notes (see SearchSql). First, because SQLite rebuilds
            // OpenQuestions at the end of the migration and SQL after a pending rebuild draws warnings.
            foreach (var sql in SearchSql.Up) migrationBuilder.Sql(sql);

            migrationBuilder.AlterColumn<long>(
                name: "ContactId",
                table: "OpenQuestions",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<long>(
                name: "CompanyId",
                table: "OpenQuestions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OpportunityId",
                table: "OpenQuestions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RaisedById",
                table: "OpenQuestions",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_ActivityId",
                table: "OpenQuestions",
                column: "ActivityId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_CompanyId_AnsweredAt",
                table: "OpenQuestions",
                columns: new[] { "CompanyId", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_NextActionId",
                table: "OpenQuestions",
                column: "NextActionId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenQuestions_OpportunityId_AnsweredAt",
                table: "OpenQuestions",
                columns: new[] { "OpportunityId", "AnsweredAt" });

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
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);
        }
    }
}
