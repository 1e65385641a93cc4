# R survey's calibrate(..., trim = c(L, U)) and the project's trimming followed by recalibration, on seeded random
# designs: what tests/test_r_parity_trim.py compares the package with.
#
#   Rscript tests/r/trim.R [OUT_DIR]     (from the repository root)
#
# Writes trim_data.csv (every sample) and trim.csv (case = design number), 4 designs of each kind of common.R.
# Per design, for calfun raking and linear (the cal.linear object: with the string "linear" and no bounds R's
# calibrate hands over to regcalibrate, which ignores trim):
#   <calfun>_trim        calibrate(~g1 + x, trim = limits), limits 60% of the way from 1 to the unbounded
#                        g-weights' extremes, so that both bind; R trims once and spreads the trimmed weight as one
#                        g increment of the other units (weights, totals reached, units trimmed);
#   <calfun>_bounded_trim the same with bounds a tenth inside the extremes and trim limits halfway to the bounds
#                        (skipped where R's bounded Newton iterations do not converge);
#   <calfun>_capped       trimming followed by recalibration: calibrate(~g1 + x, bounds = c(0, cap),
#                        bounds.const = TRUE), the weights themselves at most cap, three quarters of the way from
#                        the unbounded weights' mean to their largest, with every total reproduced
#                        (helpers.survey.weighting.calibrate(weight_bounds = (0, cap))).
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

PER_KIND <- 4
samples <- list()

quiet_calibrate <- function(...) {
  converged <- TRUE
  fit <- tryCatch(withCallingHandlers(suppressMessages(calibrate(...)), warning = function(w) {
    if (grepl("Failed to converge", conditionMessage(w))) converged <<- FALSE
    invokeRestart("muffleWarning")
  }), error = function(e) NULL)
  if (converged) fit else NULL
}

record <- function(id, prefix, des, fit, mm) {
  put(id, paste0(prefix, "_converged"), as.numeric(!is.null(fit)))
  if (is.null(fit)) return(invisible())
  g <- weights(fit) / weights(des)
  put(id, paste0(prefix, "_weight"), weights(fit), seq_along(g))
  put(id, paste0(prefix, "_totals"), colSums(mm * weights(fit)))
  put(id, paste0(prefix, "_g_range"), range(g), c("min", "max"))
}

id <- 0
for (kind in KINDS) {
  for (k in seq_len(PER_KIND)) {
    id <- id + 1
    s <- draw_sample(100 + id, kind)
    s$case <- id
    samples[[id]] <- s
    des <- make_design(s)
    mm <- model.matrix(~g1 + x, s)
    n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
    n_g2 <- tapply(s$w, s$g2, sum) * c(0.95, 1.08)
    n_g2 <- n_g2 / sum(n_g2) * sum(n_g1)
    put(id, "population_g1", n_g1); put(id, "population_g2", n_g2)
    totals <- c(sum(n_g1), n_g1[["b"]], n_g1[["c"]], sum(s$w * s$x) * 1.02)
    put(id, "calibration_totals", totals, c("(Intercept)", "g1b", "g1c", "x"))
    for (calfun in c("raking", "linear")) {
      fun <- if (calfun == "raking") cal.raking else cal.linear
      g <- weights(calibrate(des, ~g1 + x, totals, calfun = fun, epsilon = 1e-13, maxit = 500)) / weights(des)
      limits <- c(1 - 0.6 * (1 - min(g)), 1 + 0.6 * (max(g) - 1))
      put(id, paste0(calfun, "_trim_limits"), limits, c("low", "high"))
      fit <- quiet_calibrate(des, ~g1 + x, totals, calfun = fun, epsilon = 1e-13, maxit = 500, trim = limits)
      record(id, paste0(calfun, "_trim"), des, fit, mm)
      put(id, paste0(calfun, "_trim_outside"), sum(g < limits[1] | g > limits[2]))
      bounds <- c(min(g) + 0.1 * (1 - min(g)), max(g) - 0.1 * (max(g) - 1))
      inner <- c(1 - 0.5 * (1 - bounds[1]), 1 + 0.5 * (bounds[2] - 1))
      put(id, paste0(calfun, "_bounded_trim_bounds"), bounds, c("low", "high"))
      put(id, paste0(calfun, "_bounded_trim_limits"), inner, c("low", "high"))
      fit <- quiet_calibrate(des, ~g1 + x, totals, calfun = fun, bounds = bounds, epsilon = 1e-13, maxit = 500,
                             trim = inner)
      record(id, paste0(calfun, "_bounded_trim"), des, fit, mm)
      w <- g * weights(des)
      cap <- mean(w) + 0.75 * (max(w) - mean(w))
      put(id, paste0(calfun, "_capped_cap"), cap)
      fit <- quiet_calibrate(des, ~g1 + x, totals, calfun = fun, bounds = c(0, cap), bounds.const = TRUE,
                             epsilon = 1e-13, maxit = 500)
      record(id, paste0(calfun, "_capped"), des, fit, mm)
    }

  }
}

write_data("trim", do.call(rbind, samples))
write_results("trim")
