/* The round's screen (admin): what a new position takes from its round and its party.
 *
 * - Stated on: empty means the round's first day (the server fills it in); the field
 *   shows that date as its placeholder.
 * - Source: empty means the round's source (the server fills it in); the hint under the
 *   field names it.
 * - Speaker: only the chosen party's officials are offered; choosing a speaker first
 *   chooses their party.
 * Nothing here changes a value the editor has not touched, so a row left alone stays an
 * unchanged row and never blocks a save.
 */
(function () {
    "use strict";
    const $ = window.django && window.django.jQuery;
    if (!$) {
        return;
    }

    function roundSourceLabel() {
        const option = document.querySelector("#id_source option:checked");
        const label = option && option.value ? option.textContent.trim() : "";
        return label.length > 60 ? label.slice(0, 59) + "…" : label;
    }

    function showRoundDefaults() {
        const start = document.getElementById("id_start_date");
        const day = start ? start.value : "";
        document.querySelectorAll("input[name^='positions-'][name$='-stated_on']").forEach(
            function (input) {
                input.placeholder = day || "the round's first day";
            },
        );
        const source = roundSourceLabel();
        document.querySelectorAll("[id^='id_positions-'][id$='-source_helptext']").forEach(
            function (hint) {
                hint.textContent = source
                    ? "Empty: the round's source, " + source + "."
                    : "Empty: the round's source (none chosen yet).";
            },
        );
    }

    function rowOf(element) {
        return element.closest(".inline-related");
    }

    function limitSpeakers(row) {
        const party = row.querySelector("select[name$='-party']");
        const speaker = row.querySelector("select[name$='-speaker']");
        if (!party || !speaker) {
            return;
        }
        const chosen = party.value ? party.options[party.selectedIndex].textContent.trim() : "";
        speaker.querySelectorAll("optgroup").forEach(function (group) {
            const offered = !chosen || group.label === chosen;
            group.hidden = !offered;
            group.disabled = !offered;
        });
        const selected = speaker.options[speaker.selectedIndex];
        if (selected && selected.parentElement.disabled) {
            speaker.value = "";
        }
    }

    function partyFromSpeaker(row) {
        const party = row.querySelector("select[name$='-party']");
        const speaker = row.querySelector("select[name$='-speaker']");
        if (!party || !speaker || party.value || !speaker.value) {
            return;
        }
        const group = speaker.options[speaker.selectedIndex].parentElement;
        Array.from(party.options).forEach(function (option) {
            if (group.label && option.textContent.trim() === group.label) {
                party.value = option.value;
            }
        });
        limitSpeakers(row);
    }

    $(document).on("change", "#id_start_date, #id_source", showRoundDefaults);
    $(document).on("change", "select[name^='positions-'][name$='-party']", function () {
        limitSpeakers(rowOf(this));
    });
    $(document).on("change", "select[name^='positions-'][name$='-speaker']", function () {
        partyFromSpeaker(rowOf(this));
    });
    document.addEventListener("formset:added", function (event) {
        showRoundDefaults();
        limitSpeakers(event.target);
    });
    $(function () {
        showRoundDefaults();
        document.querySelectorAll("#positions-group .inline-related").forEach(limitSpeakers);
    });
})();
