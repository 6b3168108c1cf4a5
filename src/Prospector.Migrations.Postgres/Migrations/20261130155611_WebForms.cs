using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Prospector.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class WebForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebForms",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Fields = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ConsentTextEn = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ConsentTextDe = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ConsentTextNl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ConsentRequired = table.Column<bool>(type: "boolean", nullable: false),
                    ThankYouEn = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ThankYouDe = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ThankYouNl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    RedirectUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    OwnerId = table.Column<long>(type: "bigint", nullable: true),
                    TeamId = table.Column<long>(type: "bigint", nullable: true),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebForms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WebForms_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_WebForms_Users_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FormSubmissions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FormId = table.Column<long>(type: "bigint", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ReviewReason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Values = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Language = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    ConsentGiven = table.Column<bool>(type: "boolean", nullable: false),
                    ContactId = table.Column<long>(type: "bigint", nullable: true),
                    CreatedContact = table.Column<bool>(type: "boolean", nullable: false),
                    HandledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FormSubmissions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FormSubmissions_Contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "Contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_FormSubmissions_WebForms_FormId",
                        column: x => x.FormId,
                        principalTable: "WebForms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FormSubmissions_ContactId",
                table: "FormSubmissions",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_FormSubmissions_FormId_Status_ReceivedAt",
                table: "FormSubmissions",
                columns: new[] { "FormId", "Status", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebForms_OwnerId",
                table: "WebForms",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_WebForms_Slug",
                table: "WebForms",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebForms_TeamId",
                table: "WebForms",
                column: "TeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FormSubmissions");

            migrationBuilder.DropTable(
                name: "WebForms");
        }
    }
}
