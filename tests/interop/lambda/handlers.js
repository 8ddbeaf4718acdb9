// Cognito triggers for scripts/interop, served by serverless-offline behind
// the Lambda Invoke API. Each returns the event with `response` filled in,
// as a deployed function does.
'use strict';

// PreTokenGeneration (V1_0): a claim the ID token must show.
exports.preToken = async (event) => {
  event.response = {
    claimsOverrideDetails: { claimsToAddOrOverride: { interop_claim: 'added-by-lambda' } },
  };
  return event;
};

// PreAuthentication: refuses one user by throwing, as apps do, and any
// sign-in whose ClientMetadata (its validationData here) carries a probe,
// naming what it saw.
exports.preAuth = async (event) => {
  if (event.userName === 'refused-user') {
    throw new Error('refused-user may not sign in');
  }
  const probe = (event.request.validationData || {}).probe;
  if (probe) {
    throw new Error(`validationData.probe is ${probe}`);
  }
  return event;
};

// CustomMessage: writes every message, with the placeholders the event gives.
exports.customMessage = async (event) => {
  const { codeParameter, usernameParameter } = event.request;
  const text = `${event.triggerSource} for ${usernameParameter || event.userName}: ${codeParameter}`;
  event.response.smsMessage = text;
  event.response.emailMessage = text;
  event.response.emailSubject = `Interop ${event.triggerSource}`;
  return event;
};

// DefineAuthChallenge: one quiz question until a right answer (tokens) or
// three wrong ones (failure).
exports.define = async (event) => {
  const session = event.request.session;
  const last = session[session.length - 1];
  if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else if (session.length >= 3) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};

// CreateAuthChallenge: the question is public, the answer private.
exports.create = async (event) => {
  event.response.publicChallengeParameters = { question: 'What is 6 times 7?' };
  event.response.privateChallengeParameters = { answer: '42' };
  event.response.challengeMetadata = 'QUIZ';
  return event;
};

// VerifyAuthChallengeResponse.
exports.verify = async (event) => {
  event.response.answerCorrect =
    event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
  return event;
};
