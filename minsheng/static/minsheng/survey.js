/* Surveys: (1) a conditional question is hidden, and its inputs disabled (so nothing is
   sent for it), until the earlier question's answer includes one of the given choices;
   without JavaScript every question shows, with a note saying when to answer it.
   (2) On the results page, a bar chart per question from the figures the page embeds
   (json_script "survey-charts"); the table beside each chart holds the same figures. */
(function () {
  "use strict";

  function chosen(form, name) {
    var picked = [];
    var inputs = form.querySelectorAll("input[name='" + name + "'], input[name^='" + name + "_r'], select[name^='" + name + "_c']");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.disabled) return;
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) picked.push(input.value);
      if (input.tagName === "SELECT" && input.value) picked.push(input.name.split("_c")[1]);
    });
    return picked;
  }

  function update(form) {
    var sets = form.querySelectorAll("fieldset[data-show-if]");
    Array.prototype.forEach.call(sets, function (set) {
      var wanted = set.getAttribute("data-show-if-choices").split(" ");
      var picked = chosen(form, set.getAttribute("data-show-if"));
      var show = picked.some(function (v) { return wanted.indexOf(v) !== -1; });
      set.hidden = !show;
      set.disabled = !show;
      var note = set.querySelector(".condition-note");
      if (note) note.hidden = true;
    });
  }

  function conditions() {
    Array.prototype.forEach.call(document.querySelectorAll("form.survey-form"), function (form) {
      // Twice: a question may depend on one that itself depends on another.
      var run = function () { update(form); update(form); };
      form.addEventListener("change", run);
      run();
    });
  }

  function charts() {
    var source = document.getElementById("survey-charts");
    if (!source || typeof window.Chart === "undefined") return;
    JSON.parse(source.textContent).forEach(function (spec) {
      var canvas = document.getElementById(spec.id);
      if (!canvas) return;
      var chart = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: spec.labels,
          datasets: [{ label: spec.label, data: spec.data, backgroundColor: "#1f4e79" }]
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: spec.horizontal ? "y" : "x",
          plugins: { legend: { display: false } },
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0 } },
            y: { beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
      canvas.setAttribute("data-drawn", String(chart.data.labels.length));
    });
  }

  function start() { conditions(); charts(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
