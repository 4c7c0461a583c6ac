"""The FAQ's evaluation set: questions as citizens type them, each with the slug of the starter article that answers it.

Written from the public's side before any tuning (typos, no accents, chat abbreviations, short and long), and not
rephrased afterwards to suit the engine: a miss is fixed in the engine or in an article's keywords, never here.
``manage.py faq_eval`` prints the accuracy and the misses; ``test_evaluation.py`` holds the targets.
"""

QUESTIONS: list[tuple[str, str]] = [
    # Open Insurance
    ("o que é open insurance", "o-que-e-open-insurance"),
    ("oq é esse tal de open insurance?", "o-que-e-open-insurance"),
    ("pra que serve o sistema de seguros aberto", "o-que-e-open-insurance"),
    ("quais empresas participam do open insurance", "quem-participa-do-open-insurance"),
    ("minha seguradora faz parte do opin?", "quem-participa-do-open-insurance"),
    ("previdencia e capitalizacao entram no open insurance?", "quem-participa-do-open-insurance"),
    ("quais sao as etapas do atendimento do open insurance", "etapas-do-atendimento"),
    ("como funciona o funil de atendimento", "etapas-do-atendimento"),
    # Consent
    ("como autorizo o compartilhamento dos meus dados", "como-dar-consentimento"),
    ("como dou consentimento pra outra seguradora ver meus dados", "como-dar-consentimento"),
    ("sou obrigado a compartilhar meus dados?", "como-dar-consentimento"),
    ("como cancelo o consentimento q dei", "como-revogar-consentimento"),
    ("quero revogar a autorizacao de compartilhamento", "como-revogar-consentimento"),
    ("da pra desfazer o consentimento depois?", "como-revogar-consentimento"),
    ("por quanto tempo vale meu consentimento", "prazo-do-consentimento"),
    ("o consentimento expira?", "prazo-do-consentimento"),
    ("é seguro compartilhar meus dados no open insurance", "seguranca-dos-dados-compartilhados"),
    ("quem guarda meus dados pessoais no opin", "seguranca-dos-dados-compartilhados"),
    ("meus dados chegaram errados na outra seguradora, o que faço", "dados-compartilhados-errados"),
    ("os dados compartilhados estao incorretos", "dados-compartilhados-errados"),
    # Channels
    ("quais sao os canais de atendimento", "canais-de-atendimento"),
    ("onde eu reclamo? qual canal devo usar", "canais-de-atendimento"),
    ("o chatbot pode ver meus dados?", "faq-e-chatbot"),
    ("como falo com o robo de atendimento", "faq-e-chatbot"),
    ("como uso o fale conosco", "fale-conosco"),
    ("preciso de login pra abrir chamado no service desk?", "fale-conosco"),
    ("qual o prazo de resposta do fale conosco", "fale-conosco"),
    ("o que é a central transacional", "central-de-atendimento"),
    ("central de atendimento por telefone pra contratar seguro", "central-de-atendimento"),
    ("o sac funciona 24 horas?", "sac"),
    ("em quantos dias o sac tem que resolver", "sac"),
    ("como peço cancelamento do seguro pelo sac", "sac"),
    # Ouvidoria
    ("o que a ouvidoria faz", "o-que-e-a-ouvidoria"),
    ("qual a diferenca entre sac e ouvidoria", "o-que-e-a-ouvidoria"),
    ("como falo com a ouvidoria", "como-acionar-a-ouvidoria"),
    ("posso ir direto na ouvidoria sem protocolo do sac?", "como-acionar-a-ouvidoria"),
    ("o sac nao resolveu faz 3 dias, posso acionar a ouvidoria", "como-acionar-a-ouvidoria"),
    ("qual o prazo da ouvidoria do banco", "prazo-da-ouvidoria"),
    ("em quanto tempo a ouvidoria responde", "prazo-da-ouvidoria"),
    ("ouvidoria de seguradora tem quantos dias pra responder", "prazo-da-ouvidoria"),
    ("a ouvidoria pode prorrogar o prazo?", "prorrogacao-do-prazo"),
    ("me avisaram que o prazo foi estendido, pode isso?", "prorrogacao-do-prazo"),
    ("ouvidoria do plano de saude", "ouvidoria-planos-de-saude"),
    ("a ouvidoria do convenio medico cobra alguma coisa", "ouvidoria-planos-de-saude"),
    ("quantos dias uteis a operadora de saude tem pra responder na ouvidoria", "ouvidoria-planos-de-saude"),
    # Public power and outside bodies
    ("posso reclamar no consumidor gov?", "consumidor-gov-br"),
    ("como registro reclamacao no consumidor.gov.br", "consumidor-gov-br"),
    ("quanto tempo a empresa tem pra responder no consumidor gov", "consumidor-gov-br-prazos"),
    ("tenho quantos dias pra avaliar a resposta no consumidor.gov", "consumidor-gov-br-prazos"),
    ("posso reclamar no procon ou no banco central?", "orgaos-externos"),
    ("reclamei no reclame aqui, a ouvidoria vai responder?", "orgaos-externos"),
    # The manifestation
    ("o que é numero de protocolo", "numero-de-protocolo"),
    ("perdi meu protocolo", "numero-de-protocolo"),
    ("como acompanho minha reclamacao", "acompanhar-manifestacao"),
    ("quero saber o andamento do meu pedido", "acompanhar-manifestacao"),
    ("qual a diferença entre reclamação, sugestão e elogio", "tipos-de-manifestacao"),
    # Issue 14: a wish to praise or denounce goes to "Como posso ajudar?" (expectations changed with that rule).
    ("quero fazer um elogio pro atendente", "@ajuda"),
    ("como faço uma denuncia de irregularidade", "denuncia"),
    ("quero denunciar um funcionario", "@ajuda"),
    ("posso fazer denuncia anonima?", "anonimato-e-sigilo"),
    ("nao quero que saibam meu nome", "anonimato-e-sigilo"),
    ("posso usar meu nome social no atendimento", "nome-social"),
    ("sou trans, vão me chamar pelo meu nome?", "nome-social"),
    ("quais dados preciso informar pra reclamar", "dados-necessarios"),
    ("pra que pedem meu cpf na ouvidoria", "dados-necessarios"),
    # Privacy
    ("quais sao meus direitos pela lgpd", "direitos-lgpd"),
    ("posso pedir pra apagar meus dados", "direitos-lgpd"),
    ("direito de portabilidade dos dados", "direitos-lgpd"),
    ("como peço uma copia dos meus dados pessoais", "como-exercer-direitos-lgpd"),
    ("em quantos dias a empresa tem que responder meu pedido da lgpd", "como-exercer-direitos-lgpd"),
    # After the answer
    ("como avalio o atendimento", "avaliar-o-atendimento"),
    ("onde dou nota pra resposta", "avaliar-o-atendimento"),
    ("nao fiquei satisfeito com a resposta, e agora?", "nao-fiquei-satisfeito"),
    ("a resposta nao resolveu meu problema", "nao-fiquei-satisfeito"),
    ("o que significa reclamacao procedente", "resposta-procedente-improcedente"),
    ("disseram que minha reclamação foi improcedente, oq isso quer dizer", "resposta-procedente-improcedente"),
    ("o atendimento é gratuito?", "atendimento-gratuito"),
    ("tenho que pagar pra compartilhar meus dados?", "atendimento-gratuito"),
    ("a ligacao pra ouvidoria é gravada?", "gravacao-e-guarda-dos-registros"),
    ("por quanto tempo vcs guardam minha reclamacao", "gravacao-e-guarda-dos-registros"),
    # Typos and long questions
    ("como revogo o consentimeto", "como-revogar-consentimento"),
    ("prazo da ouvidora", "prazo-da-ouvidoria"),
    ("cunsumidor gov br", "consumidor-gov-br"),
    ("protocolo de atendimeto", "numero-de-protocolo"),
    (
        "boa tarde, liguei no sac da seguradora semana passada, me deram um protocolo mas ninguem resolveu nada "
        "ate agora, o que eu posso fazer?",
        "como-acionar-a-ouvidoria",
    ),
    (
        "eu autorizei o compartilhamento dos meus dados com outra empresa mas me arrependi e nao quero mais que "
        "eles tenham acesso",
        "como-revogar-consentimento",
    ),
]
