"""Models for few events: survey-weighted and Firth logistic regression, bootstrap, imputation, power."""
