using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Prospector.Migrations.Sqlite.Migrations
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Fields = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ConsentTextEn = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConsentTextDe = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConsentTextNl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ConsentRequired = table.Column<bool>(type: "INTEGER", nullable: false),
                    ThankYouEn = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ThankYouDe = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ThankYouNl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    RedirectUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OwnerId = table.Column<long>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<long>(type: "INTEGER", nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FormId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReviewReason = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Values = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    ConsentGiven = table.Column<bool>(type: "INTEGER", nullable: false),
                    ContactId = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedContact = table.Column<bool>(type: "INTEGER", nullable: false),
                    HandledAt = table.Column<DateTime>(type: "TEXT", nullable: true)
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
