// Norwegian number and date formats for plotly.js (the plotly wheel carries only "en" and
// "en-US"). Registered as "nb" and "nn"; static/js/charts.js picks the page's language.
// Decimal comma and a space between thousands, as the tables write numbers.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var format = {
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    months: ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
      "september", "oktober", "november", "desember"],
    shortMonths: ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov",
      "des"],
    periods: ["", ""],
    dateTime: "%A %e. %B %Y kl. %X",
    date: "%d.%m.%Y",
    time: "%H:%M:%S",
    decimal: ",",
    thousands: "\u00a0",
    grouping: [3],
    currency: ["", " kr"],
    year: "%Y",
    month: "%B %Y",
    dayMonth: "%-d. %b",
    dayMonthYear: "%-d. %b %Y"
  };
  ["nb", "nn"].forEach(function (name) {
    Plotly.register({ moduleType: "locale", name: name, dictionary: {}, format: format });
  });
})();
