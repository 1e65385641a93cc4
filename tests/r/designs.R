# R survey on seeded random designs: what tests/test_r_parity.py compares the package with.
#
#   Rscript tests/r/designs.R [OUT_DIR]     (from the repository root; `make r-results` runs every script)
#
# Writes designs_data.csv (every sample, one row per unit) and designs.csv (case = design number). Design kinds
# (common.R): stratified with fpc, one-stage cluster, stratified cluster, stratified cluster with a single-PSU
# stratum (survey.lonely.psu = "adjust"). Quantities, each on the base design and after calibration:
# svymean / svytotal (na.rm), svyby domain means, degf, svyciprop(method = "beta") on the whole sample and by
# domain (svyby, on the design of the non-missing values), postStratify, rake (converged, and R's default
# stopping), calibrate linear / raking unbounded and with bounds that bind, logit, the project's trimming
# (cap and redistribute in proportion, iterated; R's trimWeights spreads the excess equally and is recorded
# apart), svyglm(quasibinomial) coefficients, SEs and df.residual.
source(file.path("tests", "r", "common.R"))
options(survey.lonely.psu = "adjust")

PER_KIND <- 8
samples <- list()

estimates <- function(id, prefix, des) {
  m <- svymean(~y, des, na.rm = TRUE)
  put(id, paste0(prefix, "mean"), coef(m)); put(id, paste0(prefix, "mean_se"), SE(m))
  t <- svytotal(~y, des, na.rm = TRUE)
  put(id, paste0(prefix, "total"), coef(t)); put(id, paste0(prefix, "total_se"), SE(t))
}

domains <- function(id, prefix, des) {
  by_d <- svyby(~y, ~d, des, svymean, na.rm = TRUE)
  put(id, paste0(prefix, "domain_mean"), by_d$y, by_d$d)
  put(id, paste0(prefix, "domain_mean_se"), by_d$se, by_d$d)
  des_b <- subset(des, !is.na(yb))
  p <- svyciprop(~yb, des_b, method = "beta", na.rm = TRUE)  # na.rm: a calibrated subset keeps its rows
  put(id, paste0(prefix, "ciprop"), coef(p))
  put(id, paste0(prefix, "ciprop_ci"), confint(p), c("low", "high"))
  kg <- suppressWarnings(svyby(~yb, ~d, des_b, svyciprop, method = "beta", na.rm = TRUE,
                                   vartype = c("se", "ci")))
  put(id, paste0(prefix, "domain_ciprop"), kg$yb, kg$d)
  put(id, paste0(prefix, "domain_ciprop_se"), kg$se, kg$d)
  put(id, paste0(prefix, "domain_ciprop_low"), kg$ci_l, kg$d)
  put(id, paste0(prefix, "domain_ciprop_high"), kg$ci_u, kg$d)
}

logit <- function(id, prefix, des) {
  fit <- svyglm(yb ~ x + g2, design = des, family = quasibinomial())
  put(id, paste0(prefix, "logit_coef"), coef(fit))
  put(id, paste0(prefix, "logit_se"), SE(fit))
  put(id, paste0(prefix, "logit_df_residual"), fit$df.residual)
  put(id, paste0(prefix, "logit_p"), summary(fit)$coefficients[, 4])
}

# The project's trimming: cap at `upper`, spread the excess over the uncapped units in proportion to their
# weights, repeat until no weight exceeds the cap (helpers.survey.weighting.trim_weights).
trim_in_proportion <- function(w, upper) {
  total <- sum(w)
  repeat {
    if (!any(w > upper * (1 + 1e-12))) return(w)
    capped <- w >= upper
    w[capped] <- upper
    free <- w > 0 & !capped
    w[free] <- w[free] * (total - upper * sum(capped)) / sum(w[free])
  }
}

id <- 0
for (kind in KINDS) {
  for (k in seq_len(PER_KIND)) {
    id <- id + 1
    s <- draw_sample(id, kind)
    samples[[id]] <- s
    des <- make_design(s)
    put(id, "degf", degf(des))
    estimates(id, "", des)
    domains(id, "", des)
    logit(id, "", des)

    # Population counts for post-stratification, raking and calibration: the weighted sample counts, moved.
    n_g1 <- tapply(s$w, s$g1, sum) * c(1.10, 0.90, 1.05)
    n_g2 <- tapply(s$w, s$g2, sum) * c(0.95, 1.08)
    n_g2 <- n_g2 / sum(n_g2) * sum(n_g1)  # margins of one population size
    put(id, "population_g1", n_g1); put(id, "population_g2", n_g2)
    ps <- postStratify(des, ~g1, data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)))
    estimates(id, "poststratified_", ps)
    domains(id, "poststratified_", ps)
    logit(id, "poststratified_", ps)
    margins <- list(data.frame(g1 = names(n_g1), Freq = as.numeric(n_g1)),
                    data.frame(g2 = names(n_g2), Freq = as.numeric(n_g2)))
    rk <- rake(des, list(~g1, ~g2), margins, control = list(maxit = 500, epsilon = 1e-13, verbose = FALSE))
    estimates(id, "raked_", rk)
    put(id, "raked_weight_sum", sum(weights(rk)))
    rk10 <- rake(des, list(~g1, ~g2), margins)
    estimates(id, "raked_r_default_", rk10)

    totals <- c(sum(n_g1), n_g1[["b"]], n_g1[["c"]], sum(s$w * s$x) * 1.02)
    put(id, "calibration_totals", totals, c("(Intercept)", "g1b", "g1c", "x"))
    for (calfun in c("linear", "raking")) {
      cal <- calibrate(des, ~g1 + x, totals, calfun = calfun, epsilon = 1e-13, maxit = 500)
      g <- weights(cal) / weights(des)
      estimates(id, paste0(calfun, "_"), cal)
      put(id, paste0(calfun, "_g_range"), range(g), c("min", "max"))
      # Bounds that bind: a tenth of the way inside the unbounded g-weights' range. R's Newton iterations may
      # fail to converge on the truncated problem; such designs are recorded as such and skipped.
      bounds <- c(min(g) + 0.1 * (1 - min(g)), max(g) - 0.1 * (max(g) - 1))
      put(id, paste0(calfun, "_bounds"), bounds, c("low", "high"))
      converged <- TRUE
      bcal <- tryCatch(withCallingHandlers(
        calibrate(des, ~g1 + x, totals, calfun = calfun, bounds = bounds, epsilon = 1e-13, maxit = 500),
        warning = function(w) {
          if (grepl("Failed to converge", conditionMessage(w))) converged <<- FALSE
          invokeRestart("muffleWarning")
        }), error = function(e) NULL)
      put(id, paste0(calfun, "_bounded_converged"), as.numeric(converged && !is.null(bcal)))
      if (is.null(bcal) || !converged) next
      bg <- weights(bcal) / weights(des)
      put(id, paste0(calfun, "_bounded_g_range"), range(bg), c("min", "max"))
      estimates(id, paste0(calfun, "_bounded_"), bcal)
      if (k <= 2) put(id, paste0(calfun, "_bounded_weight"), weights(bcal), seq_along(bg))
      if (calfun == "linear") {
        lcal <- calibrate(des, ~g1 + x, totals, calfun = "logit", bounds = bounds, epsilon = 1e-13, maxit = 500)
        estimates(id, "logit_", lcal)
        put(id, "logit_g_range", range(weights(lcal) / weights(des)), c("min", "max"))
      }
    }
    upper <- 1.5 * mean(s$w)
    put(id, "trim_upper", upper)
    trimmed <- make_design(transform(s, w = trim_in_proportion(s$w, upper)))
    estimates(id, "trimmed_", trimmed)
    put(id, "trimmed_weight_max", max(weights(trimmed)))
    r_trimmed <- trimWeights(des, upper = upper)  # one pass: strict = TRUE recurses without end here
    put(id, "r_trimweights_mean", coef(svymean(~y, r_trimmed, na.rm = TRUE)))
  }
}

write_data("designs", do.call(rbind, samples))
write_results("designs")
